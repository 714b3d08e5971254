"""Developer tools: the benchmark (bench.py) and the PDF edition (pdf.py)."""
