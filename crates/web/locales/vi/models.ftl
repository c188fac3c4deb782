## The showcase of effective new-type cooperative models (Decision 167/QĐ-TTg).
