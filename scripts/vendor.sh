#!/usr/bin/env bash
# Copies the front-end libraries installed from the npm registry into static/vendor/.
set -euo pipefail
dest=static/vendor
rm -rf "$dest" && mkdir -p "$dest"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/"
cp node_modules/axe-core/axe.min.js "$dest/"
cp node_modules/echarts/dist/echarts.min.js "$dest/"
cp node_modules/tom-select/dist/js/tom-select.complete.min.js "$dest/"
cp node_modules/tom-select/dist/css/tom-select.default.min.css "$dest/"
