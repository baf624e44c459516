/** One problem found in one artifact; `where` is a file path or `overlay: Kind/name`. */
export interface Finding {
  where: string;
  message: string;
}
