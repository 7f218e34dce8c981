/*
 * Material's search worker, with one change: a word typed in the search box is stemmed.
 *
 * Material appends a wildcard to every word typed ("карта" becomes "карта*"), and lunr
 * skips its search pipeline, so its stemmers, for a word with a wildcard (olivernn/lunr.js
 * issues 256 and 273). The index holds stems ("карту" and "карты" are indexed as "карт"), so with
 * stemming configured in mkdocs.yml a whole word in another form than the text's, or even
 * the text's own word, is not found. Here a word with one trailing wildcard is stemmed by
 * the site's search pipeline before lunr reads it: "карта*" becomes "карт*", which finds
 * "карту" and "карты" and, as before, every longer word that begins the same.
 *
 * Material's own worker is named in the query string (site_src/overrides/main.html), so a
 * new Material version brings its worker without a change here.
 */
importScripts(new URLSearchParams(self.location.search).get("material"))

let stemming = null

/* The index's search pipeline (its stemmers, as mkdocs.yml's `lang` and `pipeline` say) */
const build = lunr.Builder.prototype.build
lunr.Builder.prototype.build = function () {
  stemming = this.searchPipeline
  return build.call(this)
}

/* Both Material's search and its reading of which words were found parse through here */
const run = lunr.QueryLexer.prototype.run
lunr.QueryLexer.prototype.run = function () {
  run.call(this)
  for (const lexeme of this.lexemes)
    if (stemming && lexeme.type === lunr.QueryLexer.TERM && /^[^*]+\*$/.test(lexeme.str)) {
      const [stem] = stemming.runString(lexeme.str.slice(0, -1).toLowerCase())
      if (stem)
        lexeme.str = `${stem}*`
    }
}
