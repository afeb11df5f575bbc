export { rejectionOf } from './rejection-of.js';
