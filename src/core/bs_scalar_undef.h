/* bs_scalar_undef.h — undoes bs_scalar.h, so a template can be included again. */
#undef T
#undef BS_FN
#undef BS_RE
#undef BS_EXP
#undef BS_LOG
#undef BS_LOG1P
#undef BS_TANH
#undef BS_COMPLEX
#undef BS_FIELD
