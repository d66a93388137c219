{#-
    The paths of name.csv and name.csv.gz in dir (see raw_files_present in
    macros/raw/check_delivery.sql). Spark has no glob() table function; the
    folder is listed by spark__raw_glob (macros/portable/raw_glob.sql).
-#}
{% macro spark__raw_files_present(dir, name) %}
    {{- return(
        rtwpanel.raw_glob(dir ~ '/' ~ name ~ '.csv')
        + rtwpanel.raw_glob(dir ~ '/' ~ name ~ '.csv.gz')) -}}
{% endmacro %}
