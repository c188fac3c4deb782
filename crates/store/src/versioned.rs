//! Optimistic concurrency, once for every entity that has a `version` column.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::StoreError;
use crate::error::OnConstraint;

/// Saves `active` (its version already set to `expected + 1`) over the row `id` only if that row
/// is still at `expected`. The check is in the `UPDATE` itself, so two nodes saving at once
/// cannot both win; the loser gets [`StoreError::Conflict`]. A unique violation names
/// `unique_field`.
pub(crate) async fn save_versioned<E, A, C>(
    c: &C,
    active: A,
    (id_column, id): (E::Column, i64),
    (version_column, expected): (E::Column, i32),
    unique_field: &'static str,
) -> Result<(), StoreError>
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    let res = E::update_many()
        .set(active)
        .filter(id_column.eq(id))
        .filter(version_column.eq(expected))
        .exec(c)
        .await
        .on_unique(unique_field)?;
    if res.rows_affected == 0 {
        Err(StoreError::Conflict)
    } else {
        Ok(())
    }
}

/// One page of an ordered query and the total count of its rows, mapped to records.
pub(crate) async fn fetch_page<E, C, T>(
    c: &C,
    query: sea_orm::Select<E>,
    page: crate::PageRequest,
    map: impl Fn(E::Model) -> T,
) -> Result<crate::Page<T>, StoreError>
where
    E: EntityTrait,
    C: ConnectionTrait,
    E::Model: Sync,
{
    use sea_orm::{PaginatorTrait, QuerySelect};
    let total = query.clone().count(c).await?;
    let items = query
        .offset(page.offset())
        .limit(page.per_page)
        .all(c)
        .await?
        .into_iter()
        .map(map)
        .collect();
    Ok(crate::Page {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}
