# Varnish in front of Minbar's app servers (docs/operations.md).
#
# - Pages are kept for the s-maxage the app sends and purged by key when
#   something they show changes (the app's PURGE with an xkey-purge header).
# - Pages come whole, ticker and staff box included (no ESI: assembling
#   every page from fragments cost Varnish two thirds of its speed).  A
#   ticker change purges every page that shows it; the app answers those
#   fetches from its own page cache, which keeps the pages apart from the
#   ticker, so none is rendered again.
# - Grace: while the app (or its database) is down, pages keep being served
#   from the cache, for up to a week.
# - Staff (a session cookie) and the newsroom go straight to the app.
vcl 4.1;

import std;
import xkey;

# The app servers, their health probe and how requests are spread over
# them: backends.vcl sets req.backend_hint in its own vcl_recv, which runs
# before this file's.
include "backends.vcl";

acl purgers {
    "127.0.0.1";
    "::1";
    # Add the app servers' addresses here.
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge) {
            # Soft: the objects expire now but stay, for grace.
            set req.http.n-purged = xkey.softpurge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.n-purged));
        }
        return (purge);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(newsroom|documents|_health)(/|$)") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);  # staff see the site as it is now
    }
    unset req.http.Cookie;

    if (req.restarts == 0 && std.healthy(req.backend_hint)) {
        # A healthy app is asked for a fresh copy of anything expired or
        # purged; stale copies are for when it is down (vcl_deliver).
        set req.grace = 0s;
    }
    return (hash);
}

sub vcl_backend_response {
    if (beresp.status >= 500) {
        # Never keep an error; a background refresh keeps the stale copy.
        if (bereq.is_bgfetch) {
            return (abandon);
        }
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    set beresp.grace = 7d;
    return (deliver);
}

sub vcl_backend_error {
    if (bereq.is_bgfetch) {
        return (abandon);
    }
}

sub vcl_deliver {
    if (resp.status >= 500 && req.restarts == 0 && req.method == "GET") {
        # The app failed or is down: look again, accepting a stale copy.
        return (restart);
    }
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
    unset resp.http.xkey;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}
