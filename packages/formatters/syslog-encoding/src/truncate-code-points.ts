/**
 * The first `max` code points of `value`, never ending between the two halves of a surrogate pair (CEF lengths
 * count characters, FACTS §E.7). Returns `value` itself when it is short enough, so `result.length !==
 * value.length` tells a caller whether it was cut. A lone surrogate counts as one code point, as the U+FFFD it is
 * later replaced with.
 */
export const truncateCodePoints = (value: string, max: number): string => {
  // A string has at least as many UTF-16 code units as code points: short ones need no counting.
  if (value.length <= max) return value;
  const length = value.length;
  let units = 0;
  for (let points = 0; points < max && units < length; points++) {
    const code = value.charCodeAt(units);
    if (code >= 0xd800 && code <= 0xdbff && units + 1 < length) {
      const next = value.charCodeAt(units + 1);
      units += next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    } else {
      units += 1;
    }
  }
  return units >= length ? value : value.slice(0, units);
};
