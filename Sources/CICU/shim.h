// The few ICU C functions ReplyKit uses, behind plain names.
//
// ICU renames every C entry point with its version (ubrk_open is really ubrk_open_72), through macros
// Swift cannot see. These static inline wrappers give Swift stable names. Only the TextAnalysis target
// imports this module, and that target imports no Foundation module: Foundation on Linux carries its
// own ICU headers, and Swift refuses to see both sets in one module.
#ifndef REPLYKIT_CICU_SHIM_H
#define REPLYKIT_CICU_SHIM_H

#include <unicode/utypes.h>
#include <unicode/uversion.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/utrans.h>

static inline const char *rk_icu_error_name(UErrorCode code) { return u_errorName(code); }
static inline int rk_icu_failure(UErrorCode code) { return U_FAILURE(code) ? 1 : 0; }

static inline void rk_icu_version(char out[U_MAX_VERSION_STRING_LENGTH]) {
  UVersionInfo info;
  u_getVersion(info);
  u_versionToString(info, out);
}

// Break iteration.
static inline UBreakIterator *rk_ubrk_open_word(const char *locale, UErrorCode *status) {
  return ubrk_open(UBRK_WORD, locale, NULL, 0, status);
}
static inline UBreakIterator *rk_ubrk_clone(const UBreakIterator *bi, UErrorCode *status) {
  return ubrk_clone(bi, status);
}
static inline void rk_ubrk_set_text(UBreakIterator *bi, const UChar *text, int32_t length, UErrorCode *status) {
  ubrk_setText(bi, text, length, status);
}
static inline int32_t rk_ubrk_first(UBreakIterator *bi) { return ubrk_first(bi); }
static inline int32_t rk_ubrk_next(UBreakIterator *bi) { return ubrk_next(bi); }
static inline int32_t rk_ubrk_rule_status(const UBreakIterator *bi) { return ubrk_getRuleStatus((UBreakIterator *)bi); }
static inline void rk_ubrk_close(UBreakIterator *bi) { ubrk_close(bi); }
static inline int32_t rk_ubrk_done(void) { return UBRK_DONE; }

// Normalization.
static inline const UNormalizer2 *rk_unorm2_nfkc_casefold(UErrorCode *status) {
  return unorm2_getNFKCCasefoldInstance(status);
}
static inline const UNormalizer2 *rk_unorm2_nfd(UErrorCode *status) { return unorm2_getNFDInstance(status); }
static inline const UNormalizer2 *rk_unorm2_nfc(UErrorCode *status) { return unorm2_getNFCInstance(status); }
static inline int32_t rk_unorm2_normalize(const UNormalizer2 *norm, const UChar *src, int32_t length, UChar *dest,
                                          int32_t capacity, UErrorCode *status) {
  return unorm2_normalize(norm, src, length, dest, capacity, status);
}

// Transliteration.
static inline UTransliterator *rk_utrans_open(const UChar *id, int32_t idLength, UErrorCode *status) {
  return utrans_openU(id, idLength, UTRANS_FORWARD, NULL, 0, NULL, status);
}
static inline void rk_utrans_close(UTransliterator *trans) { utrans_close(trans); }
/// Transliterates text[0..<*length] in place; *length is updated. Returns the needed length on overflow.
static inline void rk_utrans_chars(const UTransliterator *trans, UChar *text, int32_t *length, int32_t capacity,
                                   UErrorCode *status) {
  int32_t limit = *length;
  utrans_transUChars(trans, text, length, capacity, 0, &limit, status);
}

// Character properties.
static inline int32_t rk_u_script(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode code = uscript_getScript(c, &status);
  return U_FAILURE(status) ? -1 : (int32_t)code;
}
static inline int32_t rk_u_char_type(UChar32 c) { return (int32_t)u_charType(c); }
static inline uint8_t rk_u_combining_class(UChar32 c) { return u_getCombiningClass(c); }
static inline int rk_u_is_pictographic(UChar32 c) { return u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) ? 1 : 0; }

// Script codes ReplyKit names (UScriptCode values).
enum {
  RK_SCRIPT_COMMON = USCRIPT_COMMON,
  RK_SCRIPT_INHERITED = USCRIPT_INHERITED,
  RK_SCRIPT_HAN = USCRIPT_HAN,
  RK_SCRIPT_HIRAGANA = USCRIPT_HIRAGANA,
  RK_SCRIPT_KATAKANA = USCRIPT_KATAKANA,
  RK_SCRIPT_HANGUL = USCRIPT_HANGUL,
  RK_SCRIPT_THAI = USCRIPT_THAI,
  RK_SCRIPT_LAO = USCRIPT_LAO,
  RK_SCRIPT_KHMER = USCRIPT_KHMER,
  RK_SCRIPT_MYANMAR = USCRIPT_MYANMAR,
  RK_SCRIPT_LATIN = USCRIPT_LATIN,
  RK_SCRIPT_CYRILLIC = USCRIPT_CYRILLIC,
  RK_SCRIPT_GREEK = USCRIPT_GREEK,
  RK_SCRIPT_ARABIC = USCRIPT_ARABIC,
  RK_SCRIPT_HEBREW = USCRIPT_HEBREW,
  RK_SCRIPT_DEVANAGARI = USCRIPT_DEVANAGARI,
};

// General categories ReplyKit tests (UCharCategory values).
enum {
  RK_CHAR_NON_SPACING_MARK = U_NON_SPACING_MARK,
  RK_CHAR_ENCLOSING_MARK = U_ENCLOSING_MARK,
  RK_CHAR_COMBINING_SPACING_MARK = U_COMBINING_SPACING_MARK,
  RK_CHAR_DECIMAL_DIGIT = U_DECIMAL_DIGIT_NUMBER,
};

// Word-break rule statuses (ranges), see ubrk.h.
enum {
  RK_WORD_NONE_LIMIT = UBRK_WORD_NONE_LIMIT,
  RK_WORD_NUMBER = UBRK_WORD_NUMBER,
  RK_WORD_NUMBER_LIMIT = UBRK_WORD_NUMBER_LIMIT,
  RK_WORD_LETTER = UBRK_WORD_LETTER,
  RK_WORD_LETTER_LIMIT = UBRK_WORD_LETTER_LIMIT,
  RK_WORD_KANA = UBRK_WORD_KANA,
  RK_WORD_IDEO = UBRK_WORD_IDEO,
  RK_WORD_IDEO_LIMIT = UBRK_WORD_IDEO_LIMIT,
};

#endif
