export {
  type ASNumberNotation,
  type ASNumberParse,
  formatASNumber,
  parseASNumber,
} from "./ASNumber.js";
export { parseSelector, type Selector } from "./Selector.js";
export { SelectorSyntaxError } from "./SelectorSyntaxError.js";
