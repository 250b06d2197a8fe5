# dictd_first.awk - read a dictd .index file (headword TAB offset TAB length, the
# numbers in dictd's base64) and print the byte offset of the first entry that is
# not a "00-..." header entry (00-database-info, 00-database-url, ...).
# Written for tezgah (datasets/fetch.sh). POSIX awk.
BEGIN {
    FS = "\t"
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    min = -1
}
function dec(s,    i, v, d) {
    v = 0
    for (i = 1; i <= length(s); i++) {
        d = index(b64, substr(s, i, 1))
        if (d == 0) return -1
        v = v * 64 + d - 1
    }
    return v
}
NF >= 3 && $1 !~ /^00-(database|dictionary|gcide|web1913)-/ {
    o = dec($2)
    if (o >= 0 && (min < 0 || o < min)) min = o
}
END { if (min >= 0) print min }
