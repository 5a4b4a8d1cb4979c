// A small deterministic random number generator for the simulator.
// (std:: distributions differ between standard libraries; these do not.)
#ifndef BRAID_SCHEDULER_SIM_RNG_H_
#define BRAID_SCHEDULER_SIM_RNG_H_

#include <cmath>
#include <cstdint>

namespace braid::scheduler::sim {

// xoshiro256** seeded through splitmix64. Not thread-safe.
class Rng {
 public:
  explicit Rng(uint64_t seed = 1) {
    for (uint64_t& s : state_) s = SplitMix(seed);
  }
  // Mixes a seed with a stream number (e.g. a device index).
  static uint64_t Derive(uint64_t seed, uint64_t stream) {
    uint64_t x = seed ^ (0x9e3779b97f4a7c15ULL * (stream + 1));
    return SplitMix(x);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1].
  double UniformOpen() { return 1.0 - Uniform(); }
  double Exponential(double rate) { return -std::log(UniformOpen()) / rate; }
  double Normal() {
    const double u1 = UniformOpen(), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Log-normal with mean 1 and log-space standard deviation `sigma`.
  double LogNormalMeanOne(double sigma) {
    if (sigma <= 0) return 1.0;
    return std::exp(sigma * Normal() - 0.5 * sigma * sigma);
  }

 private:
  static uint64_t SplitMix(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

}  // namespace braid::scheduler::sim

#endif  // BRAID_SCHEDULER_SIM_RNG_H_
