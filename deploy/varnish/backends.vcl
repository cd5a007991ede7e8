# The app servers behind the cache: here two, on loopback ports 8001 and 8002
# (`minbar serve --bind 127.0.0.1:8001`).  List yours, one backend each.
import directors;

# The probe waits in line with readers' requests (the same workers answer
# it): a busy app (a burst, pictures' first renditions) must not look sick.
# Sick means 3 of the last 5 probes failed, 5 s apart, each given 5 s.
probe minbar_health {
    .url = "/_health";
    .interval = 5s;
    .timeout = 5s;
    .window = 5;
    .threshold = 3;
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
