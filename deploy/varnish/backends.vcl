# The app servers behind the cache: here two, on loopback ports 8001 and 8002
# (`minbar serve --bind 127.0.0.1:8001`).  List yours, one backend each.
import directors;

probe minbar_health {
    .url = "/_health";
    .interval = 2s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}

backend app1 {
    .host = "127.0.0.1";
    .port = "8001";
    .probe = minbar_health;
}

backend app2 {
    .host = "127.0.0.1";
    .port = "8002";
    .probe = minbar_health;
}

sub vcl_init {
    new minbar = directors.round_robin();
    minbar.add_backend(app1);
    minbar.add_backend(app2);
}

sub vcl_recv {
    set req.backend_hint = minbar.backend();
}
