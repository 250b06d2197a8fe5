# gcide.awk - turn the GCIDE dictd text (/usr/share/dictd/gcide.dict.dz, unzipped,
# with the 00-database-* header entries already cut off) into running English
# prose, one definition / quotation / sentence per line.
#
# Written for tezgah (datasets/fetch.sh). POSIX awk; tested with mawk and busybox.
#
# What goes:
#   - headword blocks: the column-0 line "Word \Pro*nun"ci*a`tion\ (...), n. [etym.]"
#     and its continuation lines up to the end of the etymology bracket;
#   - "Syn:" / "Ant:" word lists; source tags ([1913 Webster], [WordNet 1.5], [PJC]);
#   - labels in brackets ([Obs.], [R.], [Colloq.], etymologies), pronunciations \...\,
#     sense numbers, leading field labels such as "(Mar. Law)";
#   - quotation attributions (--Shak., --I. Taylor., --Rom. i. 28.).
# What stays: definitions, notes, usage paragraphs and quotations, with the cross
# reference braces {word} opened and the accent codes (['e], [,c], [ae] ...) turned
# into letters (é, ç, ae ...).

BEGIN {
    nacc = split("'a:á 'e:é 'i:í 'o:ó 'u:ú 'y:ý 'E:É 'A:Á 'O:Ó 'c:ć 'n:ń " \
                 "`a:à `e:è `i:ì `o:ò `u:ù `A:À `E:È " \
                 "^a:â ^e:ê ^i:î ^o:ô ^u:û " \
                 "\"a:ä \"e:ë \"i:ï \"o:ö \"u:ü \"y:ÿ \"A:Ä \"O:Ö \"U:Ü " \
                 "~a:ã ~n:ñ ~o:õ ~N:Ñ ,c:ç ,C:Ç " \
                 "ae:ae AE:Ae oe:oe OE:Oe =ae:ae =oe:oe aum:a imac:i add:a asl:a " \
                 "udd:u ait:a oomac:oo ocir:o eth:th thorn:th th:th ETH:Th THORN:Th " \
                 "ng:ng yogh:y dsdot:d zdot:z lsdot:l tsdot:t tsdo:t hsdot:h nsdot:n " \
                 "filig:fi fllig:fl fflig:ffi ffllig:ffl ssharp:ss schwa:e " \
                 "nbsp:_ ldquo:\" rdquo:\" ldqo:\" rdqo:\" lsquo:' rsquo:' mdash:--",
                 acc, " ")
    for (i = 1; i <= nacc; i++) {
        k = acc[i]; p = index(k, ":")
        A[substr(k, 1, p - 1)] = substr(k, p + 1)
    }
    A["nbsp"] = " "
    nlab = split("obs obsolete obsoles obsolescent archaic colloq collog colloquial slang " \
                 "informal cant low poetic poetical poet prov british brit prenominal " \
                 "predicate postpositional acronym initialism abbrev abbr abbreviation " \
                 "recent vulgar humorous jocose jocular sportive trademark rare " \
                 "capitalized figurative figuratively metaphorical offensive disparaging " \
                 "derogatory pejorative contemptuous ludicrous burlesque illiterate " \
                 "familiar local plural sic", lab, " ")
    for (i = 1; i <= nlab; i++) LABEL[lab[i]] = 1
    ncon = split("for of & and in on de da di von van the le la du ad", con, " ")
    for (i = 1; i <= ncon; i++) CONN[con[i]] = 1
    nabb = split("etc viz cf mr mrs dr st vol pp ch fig esp prob lit sq ft in no", abb, " ")
    for (i = 1; i <= nabb; i++) ABBR[abb[i]] = 1
    unit = ""; inhead = 0; insyn = 0
}

# net bracket/parenthesis depth change of a line
function depth(s,    t, o, c) {
    t = s; o = gsub(/[[(]/, "", t)
    t = s; c = gsub(/[])]/, "", t)
    return o - c
}

# one [ ... ] group without inner brackets -> replacement text
function bracket(c,    base, lc) {
    if (c in A) return A[c]
    # other accent / pronunciation marks around one or two letters: keep the letters
    if (c ~ /^[-=.*~^`'",]?[A-Za-z][A-Za-z]?[-=.*~^`'",]?$/ && c ~ /[-=.*~^`'",]/) {
        gsub(/[-=.*~^`'",]/, "", c)
        return c
    }
    if (c ~ /^(alpha|beta|gamma|delta|epsilon|zeta|eta|theta|iota|kappa|lambda|mu|nu|xi|omicron|pi|rho|sigma|tau|upsilon|phi|chi|psi|omega)$/)
        return c
    if (c ~ /^[A-Z]?[a-z]+$/ || c ~ /^[A-Z]?[a-z]+ [A-Za-z ']+$/) {
        lc = tolower(c)
        if (lc in LABEL) return ""
        return c            # an editorial insertion in a quotation: [He], [were]
    }
    return ""               # labels with dots, source tags, etymologies, symbols
}

function clean(s,    n, w, i, j, out, t, inner) {
    # innermost brackets first, so accent codes inside etymologies are resolved
    while (match(s, /\[[^][]*\]/)) {
        inner = substr(s, RSTART + 1, RLENGTH - 2)
        s = substr(s, 1, RSTART - 1) bracket(inner) substr(s, RSTART + RLENGTH)
    }
    gsub(/\\[^\\]*\\/, " ", s)          # pronunciations \...\
    gsub(/[{}]/, "", s)                 # cross references
    gsub(/`/, "'", s)                    # `quote' -> 'quote'
    gsub(/<[^<>]*>/, "", s)             # stray markup, if any
    gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s)
    # leading sense numbers and field labels: "1.", "(a)", "(Mar. Law)"
    for (;;) {
        if (sub(/^[0-9]+\. /, "", s)) continue
        if (sub(/^\([a-z0-9]\) /, "", s)) continue
        if (sub(/^\([A-Z][A-Za-z.&, ]*\) /, "", s)) continue
        if (sub(/^(Note|Usage|Specifically|Hence|See|Syn|Ant|Antonym): */, "", s)) continue
        break
    }
    # run-on derivatives: "... -- A*nath`e*mat"ic*al*ly, adv. -- ..."
    if (match(s, / ?-- ?[A-Z]?[a-z]*[*"`][A-Za-z*"`']/)) s = substr(s, 1, RSTART - 1)
    # attributions: --Name. and the citation tokens after it
    n = split(s, w, " "); out = ""
    for (i = 1; i <= n; i++) {
        t = w[i]
        if (t ~ /^--[A-Z]/ || t ~ /^[.!?"'),;:]+--[A-Z]/) {
            if (t !~ /^--/) { sub(/--.*$/, "", t); out = out (out == "" ? "" : " ") t }
            for (j = i + 1; j <= n; j++) {
                if (w[j] ~ /^[0-9]+[.,:;]*$/ || w[j] ~ /^[ivxlcdm]+[.,]$/) continue
                if (w[j] in CONN) continue
                if (w[j] ~ /^[A-Z][A-Za-z'&-]*\.[,;]?$/ && length(w[j]) <= 14) continue
                break
            }
            i = j - 1
            continue
        }
        out = out (out == "" ? "" : " ") t
    }
    return out
}

# split a unit into sentences at ". X" / "? X" / "! X" (X upper case or a quote),
# unless the word before the stop is one letter or a known abbreviation
function emit(s,    n, w, i, line, prev, p) {
    n = split(s, w, " "); line = ""
    for (i = 1; i <= n; i++) {
        line = line (line == "" ? "" : " ") w[i]
        if (i < n && w[i] ~ /[.?!]["')]?$/ && w[i + 1] ~ /^["'(]?[A-Z]/) {
            prev = w[i]; gsub(/[^A-Za-z]/, "", prev)
            if (length(prev) >= 2 && !(tolower(prev) in ABBR)) { out1(line); line = "" }
        }
    }
    out1(line)
}

function out1(l,    t, ww) {
    t = l; gsub(/[^A-Za-z]/, "", t)
    if (length(t) < 3 || l !~ / /) return
    if (l ~ /[A-Za-z][*`"][a-z]/ && l ~ /[a-z][*`][a-z]/) return      # pronunciation left over
    if (l ~ /^See (also |under )?[A-Z0-9]/ && split(l, ww, " ") <= 6) return  # bare cross reference
    print l
}

function flush() {
    if (unit != "") emit(clean(unit))
    unit = ""
}

# The dict is ASCII except for three stray single bytes (0.48.5+nmu2): a Windows-1252
# right quote (0x92), 0xB9 used as an apostrophe, and a Latin-1 c-cedilla (0xE7).
# Map those and drop any other non-ASCII byte, so the output is always valid UTF-8.
{
    sub(/\r$/, "")
    if ($0 ~ /[\200-\377]/) {
        gsub(/[\221\222\271]/, "'")
        gsub(/[\223\224]/, "\"")
        gsub(/[\200-\346\350-\377]/, "")
        gsub(/\347/, "ç")
    }
}

/^[ \t]*$/ { flush(); inhead = 0; insyn = 0; next }

# a headword line starts a new entry
/^[^ \t]/ && /\\/ {
    flush(); insyn = 0
    hd = depth($0)
    inhead = (hd > 0 || $0 ~ /[,\\][ \t]*$/)
    next
}

# header continues while a bracket is open or the line stops at a comma
inhead {
    hd += depth($0)
    if (hd <= 0 && $0 !~ /[,\\][ \t]*$/) inhead = 0
    next
}

/^[ \t]*(Syn|Ant|Antonym|Antonyms|Synonyms):/ { flush(); insyn = 1; next }
insyn { next }

# a source tag alone on its line closes the unit
/^[ \t]*\[[^]]*\][ \t]*$/ { flush(); next }

{ unit = unit " " $0 }

END { flush() }
