// Placeholder: replaced by the error catalogue in the next commit.
export {};
