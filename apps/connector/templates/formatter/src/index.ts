export { __CAMEL__Formatter, __PASCAL__Formatter } from './formatter.js';
export { __CAMEL__Formatter as default } from './formatter.js';
