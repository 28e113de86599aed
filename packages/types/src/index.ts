export { parseSelector, type Selector } from "./Selector.js";
export { SelectorSyntaxError } from "./SelectorSyntaxError.js";
