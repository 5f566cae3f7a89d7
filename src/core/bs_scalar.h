/* bs_scalar.h — the scalar type of a type-generic kernel.
 *
 * The forward pass is written once, in *_tmpl.h files, over a scalar type T.
 * A .c file includes a template twice: once with BS_COMPLEX 0 (T = double,
 * for the network itself and central differences) and once with BS_COMPLEX 1
 * (T = double complex, for the complex-step derivative Im f(x + ih)/h).
 * Branches (relu, the stable forms of sigmoid and softplus, the max taken
 * out of softmax) are decided on the real part, so both instances take the
 * same path for the same real input.
 *
 * Include this header after defining BS_COMPLEX; it defines T, BS_FN(name)
 * (name_d or name_c), and the maths it needs; bs_scalar_undef.h undoes it.
 */
#include <complex.h>
#include <math.h>

#if BS_COMPLEX
#define T double complex
#define BS_FN(name) name##_c
#define BS_RE(x) creal(x)
#define BS_EXP(x) cexp(x)
#define BS_LOG(x) clog(x)
#define BS_LOG1P(x) clog(1.0 + (x))
#define BS_TANH(x) ctanh(x)
#else
#define T double
#define BS_FN(name) name##_d
#define BS_RE(x) (x)
#define BS_EXP(x) exp(x)
#define BS_LOG(x) log(x)
#define BS_LOG1P(x) log1p(x)
#define BS_TANH(x) tanh(x)
#endif

#if BS_COMPLEX
#define BS_FIELD(name) name##_c
#else
#define BS_FIELD(name) name##_d
#endif
