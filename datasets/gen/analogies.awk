# analogies.awk - write the analogy questions for a mini corpus from its definition file.
#
#   LC_ALL=C awk -v lang=tr -f analogies.awk tr.def > ../mini/analogies_tr.txt
#
# Written for tezgah. The output has the layout of word2vec's questions-words.txt:
# ": section" lines, then "A B C D" lines meaning A : B = C : D, that is
# D = B - A + C (tezgah: `analogy B A C` should answer D). Words are lower-cased the
# way the tokenizer does it (Turkish-aware for lang=tr). Sections: gender,
# capital-country, country-capital, plural, tense, opposite, ordinal.

function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

# lower-case ASCII and the Turkish capitals; byte-wise, so run with LC_ALL=C
function low(s) {
    if (lang == "tr") { gsub(/İ/, "i", s); gsub(/I/, "ı", s) }
    gsub(/Ç/, "ç", s); gsub(/Ğ/, "ğ", s); gsub(/Ö/, "ö", s); gsub(/Ş/, "ş", s); gsub(/Ü/, "ü", s)
    return tolower(s)
}

/^[ \t]*#/ || /^[ \t]*$/ { next }
/^@/ { cur = ($1 == "@ent" ? $2 : ""); next }
cur != "" {
    k = ++N[cur]
    m = split($0, kv, ";")
    for (i = 1; i <= m; i++) {
        p = index(kv[i], "="); if (p == 0) continue
        E[cur, k, trim(substr(kv[i], 1, p - 1))] = trim(substr(kv[i], p + 1))
    }
}

function q(a, b, c, d) { print low(a) " " low(b) " " low(c) " " low(d) }

END {
    # gender: the male/female pairs, each of the first four against all the others
    np = 0
    for (k = 1; k <= N["person"]; k++) {
        if (E["person", k, "G"] != "m") continue
        w = E["person", k, "N"]; mate = E["person", k, "MATE"]
        dup = 0
        for (j = 1; j <= np; j++) if (PF[j] == mate) dup = 1
        if (dup) continue
        np++; PM[np] = w; PF[np] = mate
    }
    print ": gender"
    for (i = 1; i <= np; i++) for (j = 1; j <= np; j++)
        if (i != j && (i <= 4 || j <= 4)) q(PM[i], PF[i], PM[j], PF[j])

    n = N["country"]
    print ": capital-country"
    for (i = 1; i <= n; i++) { split("1 5 11", off, " ")
        for (o = 1; o <= 3; o++) { j = (i - 1 + off[o]) % n + 1
            q(E["country", i, "K"], E["country", i, "C"], E["country", j, "K"], E["country", j, "C"]) } }
    print ": country-capital"
    for (i = 1; i <= n; i++) { split("2 7", off, " ")
        for (o = 1; o <= 2; o++) { j = (i - 1 + off[o]) % n + 1
            q(E["country", i, "C"], E["country", i, "K"], E["country", j, "C"], E["country", j, "K"]) } }

    print ": plural"
    ni = 0
    for (k = 1; k <= N["animal"]; k++) { ni++; S[ni] = E["animal", k, "S"]; P[ni] = E["animal", k, "P"] }
    for (k = 1; k <= N["thing"]; k++) { ni++; S[ni] = E["thing", k, "S"]; P[ni] = E["thing", k, "P"] }
    for (i = 1; i <= ni; i++) { split("1 4", off, " ")
        for (o = 1; o <= 2; o++) { j = (i - 1 + off[o]) % ni + 1; q(S[i], P[i], S[j], P[j]) } }

    print ": tense"
    nf = (lang == "tr") ? split("PA PR PA FU AO PA", F, " ") : split("B PA ING PA B S3", F, " ")
    nv = N["verb"]
    for (f = 1; f < nf; f += 2) for (i = 1; i <= nv; i++) { j = (i + 2) % nv + 1
        q(E["verb", i, F[f]], E["verb", i, F[f + 1]], E["verb", j, F[f]], E["verb", j, F[f + 1]]) }

    print ": opposite"
    na = 0
    for (k = 1; k <= N["adj"]; k += 2) { na++; AW[na] = E["adj", k, "W"]; AO[na] = E["adj", k, "O"] }
    for (i = 1; i <= na; i++) { split("1 3", off, " ")
        for (o = 1; o <= 2; o++) { j = (i - 1 + off[o]) % na + 1; q(AW[i], AO[i], AW[j], AO[j]) } }

    print ": ordinal"
    nn = N["number"]
    for (i = 1; i <= nn; i++) { j = i % nn + 1
        q(E["number", i, "N"], E["number", i, "O"], E["number", j, "N"], E["number", j, "O"]) }
}
