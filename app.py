from netcompanion import create_app

app = create_app()
