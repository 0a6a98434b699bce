/** `next` values for sign-in tests: hostile forms that must never leave the site, and good paths. */

/** Forms that a browser could read as another site (or that hide what they are); all refused. */
export const HOSTILE_NEXT: string[] = [
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "\\/evil.example",
  "\\\\evil.example",
  "/.//evil.example",
  "/..//evil.example",
  "/./..//evil.example",
  "/a/..//evil.example",
  "/%2e//evil.example",
  "/%2E%2E//evil.example",
  "/.%2F/evil.example",
  "/%2F/evil.example",
  "/%2f%2fevil.example",
  "/%252F/evil.example",
  "/%5C/evil.example",
  "/%5c%5cevil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "/%09/evil.example",
  "/%0A/evil.example",
  "/%00/evil.example",
  "/\u0000/evil.example",
  "/ /evil.example",
  "/\u200b/evil.example",
  "/\u00a0/evil.example",
  "/\u2028/evil.example",
  "/\ufeff/evil.example",
  "/\u0085/evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "/javascript:alert(1)%0A",
  "http:evil.example",
  "http://evil.example",
  "https://evil.example/dashboard",
  "data:text/html,x",
  "evil.example",
  "./dashboard",
  "../dashboard",
  "?next=/x",
  "#/x",
  "/%E0%A4%A", // malformed escape
  "/" + "a".repeat(2100),
  " /dashboard",
  "",
];

/** Local paths that must come through (value, the Location expected). */
export const GOOD_NEXT: [string, string][] = [
  ["/dashboard?r=1", "/dashboard?r=1"],
  [
    "/learners/0b6f3c1e-7a51-4c8e-9d40-5f6a7b8c9d01?tab=1#a",
    "/learners/0b6f3c1e-7a51-4c8e-9d40-5f6a7b8c9d01?tab=1#a",
  ],
  ["/admin", "/admin"],
  ["/learners/./x/../y", "/learners/y"],
  ["/\uff0fevil.example", "/%EF%BC%8Fevil.example"], // a fullwidth solidus is a path character, not `/`
  ["/dashboard?next=//evil.example", "/dashboard?next=//evil.example"],
];
