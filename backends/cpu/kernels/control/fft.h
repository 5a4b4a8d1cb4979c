// Complex FFT of any length for the signal kernels: radix-2 for powers of
// two, a direct sum for short other lengths, Bluestein's chirp-z otherwise.
#ifndef BRAID_BACKENDS_CPU_KERNELS_CONTROL_FFT_H_
#define BRAID_BACKENDS_CPU_KERNELS_CONTROL_FFT_H_

#include <complex>
#include <cstdint>
#include <memory>
#include <vector>

namespace braid::backends::cpu::control {

// Precomputed tables for transforms of one length and direction.
// Immutable after construction; Transform is thread-safe.
class FftPlan {
 public:
  // `inverse` selects the e^{+i...} kernel; no 1/n scaling is applied.
  FftPlan(int64_t n, bool inverse);
  int64_t size() const { return n_; }
  // In-place transform of data[0..n).
  void Transform(std::complex<double>* data) const;

 private:
  void Radix2(std::complex<double>* data, const std::vector<std::complex<double>>& twiddles, int64_t n) const;

  int64_t n_;
  bool inverse_;
  enum class Kind { kRadix2, kDirect, kBluestein } kind_;
  std::vector<std::complex<double>> twiddles_;  // radix-2 (size n/2) or direct (size n) table
  // Bluestein: chirp (n), padded length m, FFT of the conjugate chirp (m), radix-2 twiddles for m.
  std::vector<std::complex<double>> chirp_, chirp_fft_, m_twiddles_;
  int64_t m_ = 0;
};

}  // namespace braid::backends::cpu::control

#endif  // BRAID_BACKENDS_CPU_KERNELS_CONTROL_FFT_H_
