from django.urls import path

from . import views

urlpatterns = [
    path("_fragments/ticker", views.ticker, name="fragment_ticker"),
    path("_fragments/staff", views.staff, name="fragment_staff"),
    path("_health", views.health, name="health"),
]
