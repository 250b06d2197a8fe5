# mini.awk - the template engine behind datasets/mini/{tr,en}.txt.
#
#   LC_ALL=C awk -v lang=tr -v n=30000 -v seed=1 -f mini.awk tr.def > ../mini/tr.txt
#
# Written for tezgah; no third-party text. POSIX awk (mawk, gawk, busybox): the only
# randomness is the Park-Miller "minimal standard" generator below, whose products stay
# below 2^53, so every awk gives the same numbers; arrays are only walked by index.
#
# The definition file (UTF-8, read byte-wise) has three kinds of sections:
#
#   @list NAME            items separated by "|", on one or more lines ("~" = empty)
#   @ent TYPE             one entity per line: "key=value; key=value; ..."
#                         (an optional w=N weights how often it is picked)
#   @wrap PRE SUF         lists of optional openings ("Of course") and endings (", as
#                         everyone knows") for the groups that follow ("@wrap - -": none)
#   @tpl WEIGHT TYPE...   a group of templates, one per line; the group is chosen with
#                         WEIGHT (an integer, relative to the other groups), then one
#                         of its templates uniformly; each picks one entity per TYPE
#
# In templates (and in list items) a slot is written in angle brackets:
#   <K>          field K of the first entity       <2.K>  field K of the second one
#   <@L>         a random item of list L
#   <@L_$K>      list "L_" followed by the value of field K (of entity 1; $2.K for 2)
# Items may hold slots themselves; they are expanded until none is left.
# Each output sentence is one line; its first letter is capitalised (Turkish-aware
# when lang=tr: i -> İ, ı -> I).

BEGIN {
    if (lang == "") lang = "en"
    if (n == "") n = 1000
    if (seed == "") seed = 1
    rs = seed % 2147483647; if (rs <= 0) rs += 2147483646
    nt = 0; ng = 0; tw = 0; sect = ""
}

function rnd(m) {                       # 0 .. m-1
    rs = (rs * 48271) % 2147483647
    return rs % m
}

function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

function die(msg) { printf "mini.awk: %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"; bad = 1; exit 1 }

/^[ \t]*#/ || /^[ \t]*$/ { next }

/^@list[ \t]/ { sect = "list"; cur = trim(substr($0, 6)); if (!(cur in LN)) LN[cur] = 0; next }
/^@ent[ \t]/  { sect = "ent"; cur = trim(substr($0, 5)); if (!(cur in EN)) EN[cur] = 0; next }
/^@wrap[ \t]/ {
    split(trim(substr($0, 6)), f, /[ \t]+/)
    wpre = (f[1] == "-" ? "" : f[1]); wsuf = (f[2] == "-" || f[2] == "" ? "" : f[2])
    next
}
/^@tpl[ \t]/  {
    sect = "tpl"
    ntf = split(trim(substr($0, 5)), f, /[ \t]+/)
    if (f[1] !~ /^[0-9]+$/ || f[1] + 0 <= 0) die("group weight must be a positive integer")
    ng++; GW[ng] = f[1] + 0; GN[ng] = 0; tw += GW[ng]
    GPRE[ng] = wpre; GSUF[ng] = wsuf
    GTY[ng] = ""
    for (i = 2; i <= ntf; i++) GTY[ng] = GTY[ng] (i > 2 ? " " : "") f[i]
    next
}
/^@/ { die("unknown directive " $1) }

sect == "list" {
    m = split($0, it, "|")
    for (i = 1; i <= m; i++) {
        v = trim(it[i])
        if (v == "") continue
        if (v == "~") v = ""                # "~" is the empty item
        LN[cur]++; L[cur, LN[cur]] = v
    }
    next
}

sect == "ent" {
    k = ++EN[cur]
    m = split($0, kv, ";")
    EW[cur, k] = 1
    for (i = 1; i <= m; i++) {
        v = trim(kv[i]); if (v == "") continue
        p = index(v, "="); if (p == 0) die("expected key=value in entity: " v)
        key = trim(substr(v, 1, p - 1)); val = trim(substr(v, p + 1))
        if (key == "w") EW[cur, k] = val + 0
        else E[cur, k, key] = val
    }
    ETOT[cur] += EW[cur, k]
    next
}

sect == "tpl" {
    nt++; T[nt] = trim($0); TT[nt] = GTY[ng]
    GN[ng]++; GT[ng, GN[ng]] = nt
    next
}

{ die("text outside a section") }

function pick_ent(type,    r, k) {
    if (!(type in EN) || EN[type] == 0) { printf "mini.awk: no entities of type %s\n", type > "/dev/stderr"; bad = 1; exit 1 }
    r = rnd(ETOT[type])
    for (k = 1; k <= EN[type]; k++) { r -= EW[type, k]; if (r < 0) return k }
    return EN[type]
}

function field(slot,    e, p, v) {
    e = 1
    if (slot ~ /^[0-9]\./) { e = substr(slot, 1, 1) + 0; slot = substr(slot, 3) }
    if (!((ETYPE[e], EIDX[e], slot) in E)) {
        printf "mini.awk: template %d: entity %s has no field %s\n", cur_t, ETYPE[e], slot > "/dev/stderr"
        bad = 1; exit 1
    }
    return E[ETYPE[e], EIDX[e], slot]
}

function listpick(name,    p, rest, key) {
    # resolve "_$K" / "_$2.K" parts from the entities
    while ((p = index(name, "$")) > 0) {
        rest = substr(name, p + 1)
        key = rest
        if (match(rest, /^([0-9]\.)?[A-Za-z0-9]+/)) key = substr(rest, 1, RLENGTH)
        name = substr(name, 1, p - 1) field(key) substr(rest, length(key) + 1)
    }
    if (!(name in LN) || LN[name] == 0) {
        printf "mini.awk: template %d: no list %s\n", cur_t, name > "/dev/stderr"
        bad = 1; exit 1
    }
    return L[name, rnd(LN[name]) + 1]
}

function expand(s,    out, p, q, slot, guard) {
    guard = 0
    while ((p = index(s, "<")) > 0) {
        if (++guard > 200) { printf "mini.awk: runaway expansion in template %d\n", cur_t > "/dev/stderr"; bad = 1; exit 1 }
        q = index(substr(s, p), ">")
        if (q == 0) { printf "mini.awk: unclosed < in template %d\n", cur_t > "/dev/stderr"; bad = 1; exit 1 }
        slot = substr(s, p + 1, q - 2)
        if (substr(slot, 1, 1) == "@") s = substr(s, 1, p - 1) listpick(substr(slot, 2)) substr(s, p + q)
        else s = substr(s, 1, p - 1) field(slot) substr(s, p + q)
    }
    return s
}

# optional opening and ending around a sentence of group g
function wrap(s, tpl, g,    p, q, c, c2, last) {
    if (GPRE[g] != "" && (p = expand(listpick(GPRE[g]))) != "") {
        # the template's own first word is no longer first: lower-case it, unless it
        # is a slot (names stay as they are) or English "I"
        if (substr(tpl, 1, 1) != "<" && s !~ /^I /) {
            c = substr(s, 1, 1); c2 = substr(s, 1, 2)
            if (lang == "tr" && c2 == "İ") s = "i" substr(s, 3)
            else if (lang == "tr" && c == "I") s = "ı" substr(s, 2)
            else s = tolower(c) substr(s, 2)
        }
        s = p " " s
    }
    if (GSUF[g] != "" && (q = expand(listpick(GSUF[g]))) != "") {
        last = substr(s, length(s), 1)
        if (last ~ /[.!?]/) s = substr(s, 1, length(s) - 1) q last
        else s = s q
    }
    return s
}

function capfirst(s,    c2) {
    if (lang == "tr") {
        c2 = substr(s, 1, 2)
        if (substr(s, 1, 1) == "i") return "İ" substr(s, 2)
        if (c2 == "ı") return "I" substr(s, 3)
        if (c2 == "ç") return "Ç" substr(s, 3)
        if (c2 == "ğ") return "Ğ" substr(s, 3)
        if (c2 == "ö") return "Ö" substr(s, 3)
        if (c2 == "ş") return "Ş" substr(s, 3)
        if (c2 == "ü") return "Ü" substr(s, 3)
    }
    return toupper(substr(s, 1, 1)) substr(s, 2)
}

function tidy(s) {
    gsub(/[ \t]+/, " ", s)
    gsub(/ ,/, ",", s); gsub(/ \./, ".", s); gsub(/ ;/, ";", s)
    gsub(/ :/, ":", s); gsub(/ !/, "!", s); gsub(/ \?/, "?", s)
    s = trim(s)
    return capfirst(s)
}

END {
    if (bad) exit 1
    if (nt == 0) { print "mini.awk: no templates" > "/dev/stderr"; exit 1 }
    # Pick a group by weight, then a template of it; a sentence already written is
    # retried (same group, so the groups keep their shares) and after 20 tries kept.
    made = 0; dups = 0
    while (made < n) {
        r = rnd(tw)
        for (gi = 1; gi <= ng; gi++) { r -= GW[gi]; if (r < 0) break }
        if (gi > ng) gi = ng
        if (GN[gi] == 0) continue
        for (try = 1; try <= 20; try++) {
            t = GT[gi, rnd(GN[gi]) + 1]
            cur_t = t
            ne = split(TT[t], ty, " ")
            for (e = 1; e <= ne; e++) {
                ETYPE[e] = ty[e]
                for (a = 0; a < 50; a++) {      # distinct entities of the same type
                    EIDX[e] = pick_ent(ty[e]); same = 0
                    for (g = 1; g < e; g++) if (ETYPE[g] == ETYPE[e] && EIDX[g] == EIDX[e]) same = 1
                    if (!same) break
                }
            }
            s = tidy(wrap(expand(T[t]), T[t], gi))
            if (!(s in SEEN)) break
        }
        if (s in SEEN) dups++
        SEEN[s] = 1
        print s
        made++; GMADE[gi]++
    }
    if (stats) for (gi = 1; gi <= ng; gi++)
        printf "group %d (%s, weight %d, %d templates): %d sentences\n", gi, GTY[gi], GW[gi], GN[gi], GMADE[gi] > "/dev/stderr"
    if (stats) printf "%d sentences, %d of them repeated\n", made, dups > "/dev/stderr"
}
