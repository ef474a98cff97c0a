// bench/lucene/SouLucene.java - the hand-off checked on Lucene 9 (the engine under
// OpenSearch 2.x / Elasticsearch 8.x), without a cluster.
//
//   java -cp LUCENE_JAR:. SouLucene index BULK_DIR SHARD_DIR SHARDS
//     indexes the bulk files of `sou export --to opensearch` as the exported index.json
//     maps them: *_words whitespace-split with frequencies and norms, *_chars with
//     positions and no norms, keywords as exact terms, BM25 k1 1.2 b 0.75; documents
//     routed to SHARDS shards by a hash of their id.
//   java -cp LUCENE_JAR:. SouLucene serve SHARD_DIR SHARDS PORT
//     answers POST /INDEX/_search as OpenSearch does, for the subset of the query DSL sou
//     writes (bool must/should/must_not/filter/minimum_should_match, match_phrase, term,
//     terms, range, match_all, constant_score, boost), sort, search_after, size, and
//     track_total_hits; over a MultiReader of the shards, so every shard scores with
//     the statistics of all of them (what dfs_query_then_fetch gives a cluster).
//
// Used by bench/lucene-check; not part of sou and not run by CI.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.*;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.document.*;
import org.apache.lucene.index.*;
import org.apache.lucene.search.*;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

public class SouLucene {
  static final ObjectMapper JSON = new ObjectMapper();
  static final BM25Similarity BM25 = new BM25Similarity(1.2f, 0.75f);

  static FieldType words() {
    FieldType t = new FieldType();
    t.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
    t.setTokenized(true);
    t.setOmitNorms(false);
    t.freeze();
    return t;
  }

  static FieldType chars() {
    FieldType t = new FieldType();
    t.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    t.setTokenized(true);
    t.setOmitNorms(true);
    t.freeze();
    return t;
  }

  static void index(Path bulks, Path shardDir, int shards) throws IOException {
    IndexWriter[] w = new IndexWriter[shards];
    for (int k = 0; k < shards; k++) {
      IndexWriterConfig c = new IndexWriterConfig(new WhitespaceAnalyzer()).setSimilarity(BM25);
      c.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
      w[k] = new IndexWriter(FSDirectory.open(shardDir.resolve("shard" + k)), c);
    }
    FieldType wt = words(), ct = chars();
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(bulks, "bulk-*.ndjson")) {
      ds.forEach(files::add);
    }
    Collections.sort(files);
    long n = 0;
    for (Path f : files) {
      try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        String action;
        while ((action = r.readLine()) != null) {
          String id = JSON.readTree(action).get("index").get("_id").asText();
          ObjectNode src = (ObjectNode) JSON.readTree(r.readLine());
          Document d = new Document();
          ObjectNode stored = JSON.createObjectNode();
          Iterator<Map.Entry<String, JsonNode>> it = src.fields();
          while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.endsWith("_words")) d.add(new Field(name, v.asText(), wt));
            else if (name.endsWith("_chars")) d.add(new Field(name, v.asText(), ct));
            else {
              stored.set(name, v);
              if (name.equals("date")) {
                d.add(new LongPoint("date", v.asLong()));
                d.add(new NumericDocValuesField("date", v.asLong()));
              } else if (name.equals("id") || name.equals("source") || name.equals("author")) {
                d.add(new StringField(name, v.asText(), Field.Store.NO));
                if (name.equals("id")) d.add(new SortedDocValuesField("id", new BytesRef(v.asText())));
              }
            }
          }
          d.add(new StoredField("_source", JSON.writeValueAsString(stored)));
          w[Math.floorMod(id.hashCode(), shards)].addDocument(d);
          n++;
        }
      }
    }
    for (IndexWriter x : w) {
      x.forceMerge(1);
      x.close();
    }
    System.err.println("indexed " + n + " documents into " + shards + " shards");
  }

  static float boost(JsonNode o) {
    return o != null && o.has("boost") ? (float) o.get("boost").asDouble() : 1f;
  }

  static Query boosted(Query q, float b) {
    return b == 1f ? q : new BoostQuery(q, b);
  }

  static Query phrase(String field, String text) {
    String[] t = text.split(" ");
    if (t.length == 1) return new TermQuery(new Term(field, t[0]));
    PhraseQuery.Builder b = new PhraseQuery.Builder();
    for (int i = 0; i < t.length; i++) b.add(new Term(field, t[i]), i);
    return b.build();
  }

  /** The Lucene query of one DSL node (the subset sou writes; anything else is an error). */
  static Query query(JsonNode n) {
    String kind = n.fieldNames().next();
    JsonNode v = n.get(kind);
    switch (kind) {
      case "match_all":
        return new MatchAllDocsQuery();
      case "constant_score":
        return new ConstantScoreQuery(query(v.get("filter")));
      case "match_phrase": {
        String field = v.fieldNames().next();
        JsonNode p = v.get(field);
        return boosted(phrase(field, p.get("query").asText()), boost(p));
      }
      case "term": {
        String field = v.fieldNames().next();
        JsonNode t = v.get(field);
        String value = t.isObject() ? t.get("value").asText() : t.asText();
        return boosted(new TermQuery(new Term(field, value)), t.isObject() ? boost(t) : 1f);
      }
      case "terms": {
        String field = v.fieldNames().next();
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (JsonNode x : v.get(field)) b.add(new TermQuery(new Term(field, x.asText())), BooleanClause.Occur.SHOULD);
        return new ConstantScoreQuery(b.build());
      }
      case "range": {
        JsonNode r = v.get("date");
        long lo = r.has("gte") ? r.get("gte").asLong() : Long.MIN_VALUE;
        long hi = r.has("lt") ? r.get("lt").asLong() - 1 : Long.MAX_VALUE;
        return LongPoint.newRangeQuery("date", lo, hi);
      }
      case "bool": {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        boolean positive = false;
        for (String part : new String[] {"must", "should", "must_not", "filter"}) {
          if (!v.has(part)) continue;
          BooleanClause.Occur o =
              part.equals("must") ? BooleanClause.Occur.MUST
                  : part.equals("should") ? BooleanClause.Occur.SHOULD
                  : part.equals("must_not") ? BooleanClause.Occur.MUST_NOT : BooleanClause.Occur.FILTER;
          for (JsonNode c : v.get(part)) {
            b.add(query(c), o);
            positive |= !part.equals("must_not");
          }
        }
        if (v.has("minimum_should_match")) b.setMinimumNumberShouldMatch(v.get("minimum_should_match").asInt());
        // OpenSearch: a bool of exclusions only matches every other document.
        if (!positive) b.add(new MatchAllDocsQuery(), BooleanClause.Occur.FILTER);
        return boosted(b.build(), boost(v));
      }
      default:
        throw new IllegalArgumentException("query DSL not handled here: " + kind);
    }
  }

  record Hit(int doc, float score, long date, String id) {}

  static void serve(Path shardDir, int shards, int port) throws IOException {
    IndexReader[] readers = new IndexReader[shards];
    for (int k = 0; k < shards; k++) readers[k] = DirectoryReader.open(FSDirectory.open(shardDir.resolve("shard" + k)));
    MultiReader all = new MultiReader(readers);
    IndexSearcher searcher = new IndexSearcher(all);
    searcher.setSimilarity(BM25);
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    http.createContext("/", ex -> {
      byte[] out;
      int status = 200;
      try {
        JsonNode body = JSON.readTree(ex.getRequestBody());
        if (!ex.getRequestURI().getPath().endsWith("/_search")) throw new IllegalArgumentException("only _search");
        if (body.has("aggs")) throw new IllegalArgumentException("aggregations are not part of this check");
        Query q = query(body.get("query"));
        boolean byScore = body.path("sort").path(0).asText().equals("_score");
        TopDocs top = searcher.search(q, Math.max(1, all.maxDoc()));
        List<Hit> hits = new ArrayList<>();
        for (ScoreDoc sd : top.scoreDocs) {
          Document d = searcher.storedFields().document(sd.doc);
          JsonNode src = JSON.readTree(d.get("_source"));
          long date = src.has("date") ? src.get("date").asLong() : Long.MIN_VALUE;
          hits.add(new Hit(sd.doc, sd.score, date, src.get("id").asText()));
        }
        Comparator<Hit> c = Comparator.comparingLong(Hit::date).reversed().thenComparing(Hit::id);
        if (byScore) c = Comparator.comparingDouble((Hit h) -> -h.score()).thenComparing(c);
        hits.sort(c);
        int from = 0;
        if (body.has("search_after")) {
          JsonNode a = body.get("search_after");
          String lastId = a.get(a.size() - 1).asText();
          for (int i = 0; i < hits.size(); i++) if (hits.get(i).id().equals(lastId)) from = i + 1;
        }
        int size = body.path("size").asInt(10);
        ObjectNode res = JSON.createObjectNode();
        ObjectNode h = res.putObject("hits");
        h.putObject("total").put("value", hits.size()).put("relation", "eq");
        ArrayNode arr = h.putArray("hits");
        for (int i = from; i < Math.min(hits.size(), from + size); i++) {
          Hit x = hits.get(i);
          ObjectNode o = arr.addObject();
          o.put("_id", x.id());
          if (byScore) o.put("_score", x.score());
          else o.putNull("_score");
          o.set("_source", JSON.readTree(searcher.storedFields().document(x.doc()).get("_source")));
          ArrayNode s = o.putArray("sort");
          if (byScore) s.add(x.score());
          if (x.date() == Long.MIN_VALUE) s.addNull();
          else s.add(x.date());
          s.add(x.id());
        }
        out = JSON.writeValueAsBytes(res);
      } catch (Exception e) {
        status = 400;
        ObjectNode err = JSON.createObjectNode();
        err.putObject("error").put("reason", String.valueOf(e));
        out = JSON.writeValueAsBytes(err);
      }
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(status, out.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(out);
      }
    });
    http.start();
    System.err.println("serving " + all.numDocs() + " documents on 127.0.0.1:" + port);
  }

  public static void main(String[] a) throws Exception {
    if (a.length >= 4 && a[0].equals("index")) index(Paths.get(a[1]), Paths.get(a[2]), Integer.parseInt(a[3]));
    else if (a.length >= 4 && a[0].equals("serve")) serve(Paths.get(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
    else {
      System.err.println("usage: SouLucene index BULK_DIR SHARD_DIR SHARDS | serve SHARD_DIR SHARDS PORT");
      System.exit(2);
    }
  }
}
