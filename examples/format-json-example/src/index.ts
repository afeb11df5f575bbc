export { jsonLinesFormatter } from './json-lines-formatter.js';
export { jsonLinesFormatter as default } from './json-lines-formatter.js';
