from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A CSRF refusal in the project's language and layout."""
    return render(request, "403_csrf.html", status=403)
