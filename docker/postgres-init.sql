-- The warehouse database `kinerja` is created by the image; Airflow and MLflow get their own.
create database airflow owner kinerja;
create database mlflow owner kinerja;
