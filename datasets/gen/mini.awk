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
#   @list NAME            items separated by "|", on one or more lines
#   @ent TYPE             one entity per line: "key=value; key=value; ..."
#                         (an optional w=N weights how often it is picked)
#   @tpl WEIGHT TYPE...   one template per line; each picks one entity per TYPE
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
    nt = 0; tw = 0; sect = ""
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
/^@tpl[ \t]/  {
    sect = "tpl"
    ntf = split(trim(substr($0, 5)), f, /[ \t]+/)
    curw = f[1] + 0; curtypes = ""
    for (i = 2; i <= ntf; i++) curtypes = curtypes (i > 2 ? " " : "") f[i]
    if (curw <= 0) die("template weight must be positive")
    next
}
/^@/ { die("unknown directive " $1) }

sect == "list" {
    m = split($0, it, "|")
    for (i = 1; i <= m; i++) {
        v = trim(it[i])
        if (v == "") continue
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
    nt++; T[nt] = trim($0); TW[nt] = curw; TT[nt] = curtypes; tw += curw
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
    gsub(/ ([,.;:!?])/, "\\1", s)
    s = trim(s)
    return capfirst(s)
}

END {
    if (bad) exit 1
    if (nt == 0) { print "mini.awk: no templates" > "/dev/stderr"; exit 1 }
    made = 0; tries = 0
    while (made < n && tries < 20 * n) {
        tries++
        r = rnd(tw)
        for (t = 1; t <= nt; t++) { r -= TW[t]; if (r < 0) break }
        if (t > nt) t = nt
        cur_t = t
        ne = split(TT[t], ty, " ")
        for (e = 1; e <= ne; e++) {
            ETYPE[e] = ty[e]
            for (a = 0; a < 50; a++) {          # distinct entities of the same type
                EIDX[e] = pick_ent(ty[e]); same = 0
                for (g = 1; g < e; g++) if (ETYPE[g] == ETYPE[e] && EIDX[g] == EIDX[e]) same = 1
                if (!same) break
            }
        }
        s = tidy(expand(T[t]))
        if (s in SEEN) continue
        SEEN[s] = 1
        print s
        made++
    }
    if (made < n) printf "mini.awk: only %d distinct sentences after %d tries\n", made, tries > "/dev/stderr"
}
