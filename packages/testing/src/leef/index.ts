export { LeefParseError, leefDelimiterOf, leefLineOf, parseLeef, type LeefFields } from './leef-parser.js';
