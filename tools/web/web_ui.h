// The dashboard in the browser (GET /): a single page in French that reads
// the same /v1 API as every other client, with the user's bearer token.
//
// Why a page over the API rather than HTML rendered here: the numbers the
// staff see are then the API's by construction (the end-to-end test checks
// it), each role sees exactly what its token may read, and the server keeps
// one set of authorization rules. The page has no build step and loads
// nothing from outside: index.html, app.css and the ES modules of js/ (an
// entry, main.js, and a module per page) are compiled into jalond
// (embed.cmake) and served as they are; /assets/labels.js, a module too,
// carries the French labels of jobs/documents/labels.h so that the UI and the
// documents use the same words.
#pragma once

#include "engine/http/router.h"

namespace jalon::web {

// GET /, GET /assets/{file}, GET /assets/{folder}/{file}. Assets carry an
// ETag and answer 304 to a matching If-None-Match; every answer carries a
// strict Content-Security-Policy (same origin only, no inline script).
void RegisterWebRoutes(http::Router& router);

}  // namespace jalon::web
