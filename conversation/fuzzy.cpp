#include "conversation/fuzzy.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace salon::conversation {

int edit_distance(std::string_view a, std::string_view b, int limit) noexcept {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > limit) return limit + 1;
  if (n > 64 || m > 64) return a == b ? 0 : limit + 1;
  // Three rolling rows (two back for transpositions), rotated by index rather than copied.
  int rows[3][65];
  int* back2 = rows[0];
  int* back1 = rows[1];
  int* row = rows[2];
  for (int j = 0; j <= m; ++j) back1[j] = j;
  for (int i = 1; i <= n; ++i) {
    row[0] = i;
    int row_min = row[0];
    const char ai = a[static_cast<std::size_t>(i - 1)];
    for (int j = 1; j <= m; ++j) {
      const char bj = b[static_cast<std::size_t>(j - 1)];
      int v = std::min({back1[j] + 1, row[j - 1] + 1, back1[j - 1] + (ai == bj ? 0 : 1)});
      if (i > 1 && j > 1 && ai == b[static_cast<std::size_t>(j - 2)] &&
          a[static_cast<std::size_t>(i - 2)] == bj) {
        v = std::min(v, back2[j - 2] + 1);
      }
      row[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > limit) return limit + 1;
    int* oldest = back2;
    back2 = back1;
    back1 = row;
    row = oldest;
  }
  return std::min(back1[m], limit + 1);
}

namespace {

bool is_vowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

bool front_vowel(char c) {
  return c == 'e' || c == 'i' || c == 'y';
}

}  // namespace

std::string phonetic_key(std::string_view word) {
  std::string w;
  w.reserve(word.size());
  for (char c : word) {
    if (c >= 'a' && c <= 'z') w.push_back(c);
  }
  std::string key;
  key.reserve(w.size());
  const auto at = [&w](std::size_t i) { return i < w.size() ? w[i] : '\0'; };
  const auto emit = [&key](char c) {
    if (key.empty() || key.back() != c) key.push_back(c);
  };
  std::size_t i = 0;
  if (w.starts_with("kn") || w.starts_with("wr") || w.starts_with("ps")) i = 1;
  for (; i < w.size(); ++i) {
    const char c = w[i];
    const char next = at(i + 1);
    if (is_vowel(c) || c == 'y') {
      if (key.empty()) key.push_back('a');
      continue;
    }
    switch (c) {
      case 'c':
        if (next == 'h') {
          emit('x');
          ++i;
        } else if (next == 'k') {
          emit('k');
          ++i;
        } else {
          emit(front_vowel(next) ? 's' : 'k');
        }
        break;
      case 'g':
        if (next == 'h') {
          ++i;
        } else if (front_vowel(next)) {
          emit('j');
        } else {
          emit('k');
        }
        break;
      case 'd':
        if (next == 'g' && front_vowel(at(i + 2))) {
          emit('j');
          ++i;
        } else {
          emit('t');
        }
        break;
      case 'p':
        if (next == 'h') {
          emit('f');
          ++i;
        } else {
          emit('p');
        }
        break;
      case 's':
        if (next == 'h') {
          emit('x');
          ++i;
        } else {
          emit('s');
        }
        break;
      case 't':
        if (next == 'h') {
          emit('0');
          ++i;
        } else {
          emit('t');
        }
        break;
      case 'q':
        emit('k');
        break;
      case 'z':
        emit('s');
        break;
      case 'x':
        emit('k');
        emit('s');
        break;
      case 'v':
        emit('f');
        break;
      case 'h':
      case 'w':
        // Silent unless they start a syllable before a vowel.
        if (is_vowel(next) && (key.empty() || i == 0)) emit(c);
        break;
      default:
        emit(c);
    }
  }
  return key;
}

}  // namespace salon::conversation
