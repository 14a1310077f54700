// Bundled in place of y18n (see the build script): yargs' messages in English, from the bundle
// itself. Bundled, y18n looks for `locales/<LANG>.json` three folders above the working folder,
// so that any file there could change the command line's messages or break it.
import { format } from 'node:util';

/** y18n's interface as yargs uses it; `updateLocale` keeps yargs' `updateStrings` working. */
export default function englishOnly() {
  const strings = Object.create(null);
  return {
    __: (text, ...args) => format(strings[text] ?? text, ...args),
    __n: (singular, plural, count, ...args) => {
      const text = strings[singular]?.[count === 1 ? 'one' : 'other'] ?? (count === 1 ? singular : plural);
      return format(text, ...(text.includes('%d') ? [count] : []), ...args);
    },
    setLocale: () => {},
    getLocale: () => 'en',
    updateLocale: (changes) => Object.assign(strings, changes),
  };
}
