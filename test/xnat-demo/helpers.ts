import { startXnatDemo, XnatDemo, XnatDemoOptions } from "../../demo/src/xnat/index.js";

/** A response as the tests look at it. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  cookies: string[];
}

/** A started demo plus small HTTP helpers that speak to it over loopback. */
export interface DemoClient {
  demo: XnatDemo;
  url: string;
  basic: string;
  fetchRaw(path: string, init?: RequestInit & { auth?: boolean; cookie?: string }): Promise<Reply>;
  get(path: string): Promise<Reply>;
  json(path: string): Promise<any>;
  search(xml: string, format?: string): Promise<Reply>;
}

export async function startClient(options: XnatDemoOptions = {}): Promise<DemoClient> {
  const demo = await startXnatDemo(options);
  const url = demo.info.url;
  const basic = `Basic ${Buffer.from(`${demo.info.user}:${demo.info.password}`).toString("base64")}`;
  const fetchRaw: DemoClient["fetchRaw"] = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.auth !== false && !headers.has("authorization")) headers.set("authorization", basic);
    if (init.cookie) headers.set("cookie", init.cookie);
    const response = await fetch(url + path.replace(/^\//, ""), { ...init, headers, redirect: "manual" });
    return { status: response.status, headers: response.headers, text: await response.text(), cookies: response.headers.getSetCookie() };
  };
  const get = (path: string) => fetchRaw(path);
  return {
    demo,
    url,
    basic,
    fetchRaw,
    get,
    json: async (path) => {
      const reply = await get(path);
      if (reply.status !== 200) throw new Error(`GET ${path} answered ${reply.status}: ${reply.text.slice(0, 200)}`);
      return JSON.parse(reply.text);
    },
    search: (xml, format = "json") => fetchRaw(`data/search?format=${format}`, { method: "POST", body: xml }),
  };
}

/** The JSESSIONID a reply sets, if any. */
export function sessionCookie(reply: Reply): string | undefined {
  const cookie = reply.cookies.find((value) => value.startsWith("JSESSIONID="));
  return cookie?.split(";")[0];
}

export type Constraint = [string, string, string] | Constraints | "AND" | "OR";
export interface Constraints extends Array<Constraint> {}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function criteriaSet(constraints: Constraints, tag: string): string {
  const method = constraints.filter((item): item is "AND" | "OR" => item === "AND" || item === "OR").pop();
  const body = constraints
    .map((item) => {
      if (item === "AND" || item === "OR") return "";
      if (typeof item[0] === "string" && item.length === 3 && typeof item[2] === "string" && !Array.isArray(item[1])) {
        const [field, op, value] = item as [string, string, string];
        return `<xdat:criteria override_value_formatting="0"><xdat:schema_field>${escape(field)}</xdat:schema_field><xdat:comparison_type>${escape(op)}</xdat:comparison_type><xdat:value>${escape(value)}</xdat:value></xdat:criteria>`;
      }
      return criteriaSet(item as Constraints, "xdat:child_set");
    })
    .join("");
  return `<${tag}${method ? ` method="${method}"` : ""}>${body}</${tag}>`;
}

/** A search document shaped like pyxnat's (test fixture, independent of the client library). */
export function bundle(root: string, fields: string[], constraints: Constraints): string {
  const searchFields = fields
    .map((field, index) => {
      const [element, id] = [field.slice(0, field.indexOf("/")), field.slice(field.indexOf("/") + 1)];
      return `<xdat:search_field><xdat:element_name>${element}</xdat:element_name><xdat:field_ID>${escape(id)}</xdat:field_ID><xdat:sequence>${index}</xdat:sequence><xdat:type>string</xdat:type><xdat:header>${escape(field)}</xdat:header></xdat:search_field>`;
    })
    .join("");
  return (
    `<xdat:bundle xmlns:xdat="http://nrg.wustl.edu/security" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="@${root}" brief-description="" description="" allow-diff-columns="0" secure="false">` +
    `<xdat:root_element_name>${root}</xdat:root_element_name>${searchFields}${criteriaSet(constraints, "xdat:search_where")}</xdat:bundle>`
  );
}

/** Parses CSV as XNAT writes it (quoted cells when needed). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += char;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
