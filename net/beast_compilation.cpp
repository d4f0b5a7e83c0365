// The one translation unit that compiles Asio and Beast. salon_net defines
// BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION for itself and every
// target that links it, so the other files only see declarations: builds on two cores stay fast.
#if !defined(BOOST_ASIO_SEPARATE_COMPILATION) || !defined(BOOST_BEAST_SEPARATE_COMPILATION)
#error "salon_net must be built with separate compilation of Asio and Beast"
#endif

#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
