"""Table reading from the structure every producer shares: ruling lines, then cells.

Each step is a pure function with inspectable output (`grid.find_grids` → `grid.Grid`
cells; `grid.cell_words` → words per cell), so the steps can be drawn over a page image.
"""
