#include "backends/cpu/kernels/control/fft.h"

#include <cmath>
#include <utility>

namespace braid::backends::cpu::control {
namespace {

constexpr int64_t kDirectLimit = 64;

bool IsPowerOfTwo(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

std::vector<std::complex<double>> Twiddles(int64_t n, bool inverse) {
  // w^k = exp(-+ 2 pi i k / n), k in [0, n/2)
  std::vector<std::complex<double>> t(static_cast<size_t>(std::max<int64_t>(n / 2, 1)));
  double sign = inverse ? 1.0 : -1.0;
  for (int64_t k = 0; k < n / 2; ++k) {
    double a = sign * 2.0 * M_PI * static_cast<double>(k) / static_cast<double>(n);
    t[k] = {std::cos(a), std::sin(a)};
  }
  return t;
}

}  // namespace

FftPlan::FftPlan(int64_t n, bool inverse) : n_(n), inverse_(inverse) {
  double sign = inverse ? 1.0 : -1.0;
  if (IsPowerOfTwo(n)) {
    kind_ = Kind::kRadix2;
    twiddles_ = Twiddles(n, inverse);
  } else if (n <= kDirectLimit) {
    kind_ = Kind::kDirect;
    twiddles_.resize(static_cast<size_t>(std::max<int64_t>(n, 1)));
    for (int64_t k = 0; k < n; ++k) {
      double a = sign * 2.0 * M_PI * static_cast<double>(k) / static_cast<double>(n);
      twiddles_[k] = {std::cos(a), std::sin(a)};
    }
  } else {
    kind_ = Kind::kBluestein;
    m_ = 1;
    while (m_ < 2 * n - 1) m_ <<= 1;
    chirp_.resize(n);
    for (int64_t k = 0; k < n; ++k) {
      // k^2 mod 2n keeps the angle accurate for large k.
      int64_t k2 = (k * k) % (2 * n);
      double a = sign * M_PI * static_cast<double>(k2) / static_cast<double>(n);
      chirp_[k] = {std::cos(a), std::sin(a)};
    }
    m_twiddles_ = Twiddles(m_, false);
    chirp_fft_.assign(m_, {0.0, 0.0});
    chirp_fft_[0] = std::conj(chirp_[0]);
    for (int64_t k = 1; k < n; ++k) chirp_fft_[k] = chirp_fft_[m_ - k] = std::conj(chirp_[k]);
    Radix2(chirp_fft_.data(), m_twiddles_, m_);
  }
}

void FftPlan::Radix2(std::complex<double>* a, const std::vector<std::complex<double>>& tw, int64_t n) const {
  for (int64_t i = 1, j = 0; i < n; ++i) {  // bit reversal
    int64_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (int64_t len = 2; len <= n; len <<= 1) {
    int64_t half = len >> 1;
    int64_t step = n / len;
    for (int64_t i = 0; i < n; i += len) {
      for (int64_t k = 0; k < half; ++k) {
        std::complex<double> w = tw[k * step];
        std::complex<double> u = a[i + k];
        std::complex<double> v = a[i + k + half] * w;
        a[i + k] = u + v;
        a[i + k + half] = u - v;
      }
    }
  }
}

void FftPlan::Transform(std::complex<double>* data) const {
  if (n_ <= 1) return;
  switch (kind_) {
    case Kind::kRadix2:
      Radix2(data, twiddles_, n_);
      return;
    case Kind::kDirect: {
      std::vector<std::complex<double>> out(n_);
      for (int64_t k = 0; k < n_; ++k) {
        std::complex<double> sum = 0;
        int64_t idx = 0;
        for (int64_t j = 0; j < n_; ++j) {
          sum += data[j] * twiddles_[idx];
          idx += k;
          if (idx >= n_) idx -= n_;
        }
        out[k] = sum;
      }
      std::copy(out.begin(), out.end(), data);
      return;
    }
    case Kind::kBluestein: {
      std::vector<std::complex<double>> a(m_, {0.0, 0.0});
      for (int64_t k = 0; k < n_; ++k) a[k] = data[k] * chirp_[k];
      Radix2(a.data(), m_twiddles_, m_);
      for (int64_t k = 0; k < m_; ++k) a[k] *= chirp_fft_[k];
      // Inverse FFT of size m via conjugation.
      for (auto& v : a) v = std::conj(v);
      Radix2(a.data(), m_twiddles_, m_);
      double scale = 1.0 / static_cast<double>(m_);
      for (int64_t k = 0; k < n_; ++k) data[k] = std::conj(a[k]) * scale * chirp_[k];
      return;
    }
  }
}

}  // namespace braid::backends::cpu::control
