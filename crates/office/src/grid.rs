//! A sheet as a sparse grid of non-empty cells: what every loader produces.
//!
//! Sparse because a sheet's bounding box says nothing about its size: one cell in A1 and one
//! in XFD1048576 would make a dense range of 17 billion cells.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::{Cell, Limits, ReadError};

/// One sheet, as loaded.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    /// Only rows with at least one non-empty cell, by increasing index.
    pub rows: Vec<GridRow>,
    /// Merged regions, as the file declares them.
    pub merges: Vec<Merge>,
}

/// One row of a [`Grid`].
#[derive(Debug, Clone)]
pub(crate) struct GridRow {
    /// 0-based row index in the sheet.
    pub index: u32,
    /// Non-empty cells by increasing 0-based column.
    pub cells: Vec<(u32, Cell)>,
}

impl GridRow {
    /// The cell in a column, if not empty.
    pub fn get(&self, column: u32) -> Option<&Cell> {
        self.cells
            .binary_search_by_key(&column, |(c, _)| *c)
            .ok()
            .map(|i| &self.cells[i].1)
    }

    /// True when every cell is blank (whitespace-only text counts as blank).
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|(_, cell)| cell.is_blank())
    }
}

/// A merged region, 0-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

/// Collects cells into a [`Grid`], enforcing the limits as cells arrive so that a huge sheet
/// stops early instead of being read whole.
pub(crate) struct GridBuilder<'a> {
    sheet: &'a str,
    rows: Vec<GridRow>,
    sorted: bool,
    cells: usize,
    text_bytes: usize,
    max_rows: usize,
    max_cells: usize,
    max_text_bytes: usize,
}

impl<'a> GridBuilder<'a> {
    pub fn new(sheet: &'a str, limits: &Limits) -> Self {
        GridBuilder {
            sheet,
            rows: Vec::new(),
            sorted: true,
            cells: 0,
            text_bytes: 0,
            max_rows: limits.max_rows,
            max_cells: limits.max_cells(),
            // Shared strings let a small file repeat one long text in every cell: bound the
            // text we materialise by what the archive may expand to.
            max_text_bytes: usize::try_from(limits.max_uncompressed).unwrap_or(usize::MAX),
        }
    }

    /// Adds a cell at a 0-based position. Empty cells are dropped; text is NFC-normalised
    /// (text typed on a Mac may arrive decomposed).
    pub fn push(&mut self, row: u32, column: u32, cell: Cell) -> Result<(), ReadError> {
        let cell = match cell {
            Cell::Empty => return Ok(()),
            Cell::Text(text) if is_nfc_quick(text.chars()) != IsNormalized::Yes => {
                Cell::Text(text.nfc().collect())
            }
            cell => cell,
        };
        if row as usize >= self.max_rows {
            return Err(ReadError::TooManyRows {
                sheet: self.sheet.to_string(),
                max: self.max_rows,
            });
        }
        self.cells += 1;
        if let Cell::Text(text) | Cell::Error(text) = &cell {
            self.text_bytes += text.len();
        }
        if self.cells > self.max_cells || self.text_bytes > self.max_text_bytes {
            return Err(ReadError::TooManyCells {
                sheet: self.sheet.to_string(),
                max: self.max_cells,
            });
        }
        match self.rows.last_mut() {
            Some(last) if last.index == row => {
                if last.cells.last().is_some_and(|(c, _)| *c >= column) {
                    self.sorted = false;
                }
                last.cells.push((column, cell));
            }
            last => {
                if last.is_some_and(|l| l.index > row) {
                    self.sorted = false;
                }
                self.rows.push(GridRow {
                    index: row,
                    cells: vec![(column, cell)],
                });
            }
        }
        Ok(())
    }

    /// The grid, rows and cells in order (a later duplicate position wins).
    pub fn finish(mut self, merges: Vec<Merge>) -> Grid {
        if !self.sorted {
            self.rows.sort_by_key(|r| r.index);
            let mut merged: Vec<GridRow> = Vec::with_capacity(self.rows.len());
            for row in self.rows {
                match merged.last_mut() {
                    Some(last) if last.index == row.index => last.cells.extend(row.cells),
                    _ => merged.push(row),
                }
            }
            for row in &mut merged {
                row.cells.sort_by_key(|(c, _)| *c);
                let mut deduped: Vec<(u32, Cell)> = Vec::with_capacity(row.cells.len());
                for (c, cell) in row.cells.drain(..) {
                    match deduped.last_mut() {
                        Some(last) if last.0 == c => *last = (c, cell),
                        _ => deduped.push((c, cell)),
                    }
                }
                row.cells = deduped;
            }
            self.rows = merged;
        }
        Grid {
            rows: self.rows,
            merges,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_arriving_out_of_order_end_up_sorted() {
        let limits = Limits::default();
        let mut b = GridBuilder::new("s", &limits);
        b.push(2, 1, Cell::Number(3.0)).unwrap();
        b.push(0, 1, Cell::Number(2.0)).unwrap();
        b.push(0, 0, Cell::Number(1.0)).unwrap();
        b.push(2, 0, Cell::Empty).unwrap();
        b.push(2, 2, Cell::Text("Ho\u{302}\u{300}ng".into())).unwrap();
        let grid = b.finish(vec![]);
        assert_eq!(grid.rows[1].get(2), Some(&Cell::Text("Hồng".into())));
        let shape: Vec<(u32, Vec<u32>)> = grid
            .rows
            .iter()
            .map(|r| (r.index, r.cells.iter().map(|c| c.0).collect()))
            .collect();
        assert_eq!(shape, vec![(0, vec![0, 1]), (2, vec![1, 2])]);
    }

    #[test]
    fn a_row_past_the_limit_stops_the_sheet() {
        let limits = Limits {
            max_rows: 10,
            ..Limits::default()
        };
        let mut b = GridBuilder::new("s", &limits);
        b.push(9, 0, Cell::Number(1.0)).unwrap();
        assert!(matches!(
            b.push(10, 0, Cell::Number(1.0)),
            Err(ReadError::TooManyRows { max: 10, .. })
        ));
    }
}
