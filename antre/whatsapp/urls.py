from django.urls import path

from antre.whatsapp import inbox

app_name = "inbox"
urlpatterns = [
    path("kantor/whatsapp/", inbox.conversations, name="conversations"),
    path("kantor/whatsapp/<int:pk>/", inbox.conversation, name="conversation"),
]
