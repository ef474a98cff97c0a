fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let index = tantivy::Index::open_in_dir(&dir).unwrap();
    let searcher = index.reader().unwrap().searcher();
    let su = searcher.space_usage().unwrap();

    for seg in su.segments() {
        println!("segment docs={} total={}", seg.num_docs(), seg.total());
        for (name, part) in [
            ("postings", seg.postings()),
            ("positions", seg.positions()),
            ("termdict", seg.termdict()),
            ("fast", seg.fast_fields()),
            ("fieldnorms", seg.fieldnorms()),
        ] {
            for fu in part.fields() {
                println!("{name}\t{}\t{}", fu.field_name(), fu.total());
            }
        }
        println!("store\t{}", seg.store().total());
    }
}
