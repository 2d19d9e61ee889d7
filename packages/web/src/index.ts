/** The package's version; the rest of its surface lands with its own issue. */
export const version = '0.1.0';
