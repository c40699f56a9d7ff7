// The access token the page was opened with (/?token=...), passed on to every API call:
// as a header where the browser allows one, in the address for the live socket (it cannot).
const token = new URLSearchParams(location.search).get("token");

export function apiHeaders() {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export function withToken(url) {
  return token ? `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : url;
}
