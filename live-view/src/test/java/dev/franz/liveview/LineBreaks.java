package dev.franz.liveview;

import java.util.List;

import dev.franz.testing.Browser;

/** Where the browser broke an element's text into lines: the characters on either side of each break. */
final class LineBreaks {

    private LineBreaks() {
    }

    /** One line break: the text just before it and just after it (up to 3 characters each). */
    record Break(String before, String after) {
    }

    /** The line breaks the browser made in the first element that {@code css} matches (not those of a newline). */
    @SuppressWarnings("unchecked")
    static List<Break> inside(Browser browser, String css) {
        List<List<String>> pairs = (List<List<String>>) browser.script("""
                const element = document.querySelector(arguments[0]);
                const chars = [];
                const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                  for (let i = 0; i < node.length; i++) {
                    const range = document.createRange();
                    range.setStart(node, i);
                    range.setEnd(node, i + 1);
                    const rect = [...range.getClientRects()].find(r => r.width > 0);
                    chars.push({ c: node.data[i], top: rect ? rect.top : null });
                  }
                }
                const breaks = [];
                let lastTop = null, lastIndex = -1;
                chars.forEach((ch, i) => {
                  if (ch.top === null) return;
                  if (lastTop !== null && ch.top > lastTop + 2 && !chars.slice(lastIndex, i).some(x => x.c === '\\n')) {
                    const text = chars.map(x => x.c).join('');
                    breaks.push([text.slice(Math.max(0, lastIndex - 2), lastIndex + 1), text.slice(i, i + 3)]);
                  }
                  lastTop = ch.top;
                  lastIndex = i;
                });
                return breaks;""".replace("arguments[0]", "'" + css.replace("'", "\\'") + "'"));
        return pairs.stream().map(p -> new Break(p.get(0), p.get(1))).toList();
    }

    /** A break between two letters or digits: inside a word. */
    static boolean insideAWord(Break b) {
        return !b.before().isEmpty() && !b.after().isEmpty()
                && Character.isLetterOrDigit(b.before().charAt(b.before().length() - 1))
                && Character.isLetterOrDigit(b.after().charAt(0));
    }
}
