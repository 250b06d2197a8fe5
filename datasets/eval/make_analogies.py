#!/usr/bin/env python3
"""make_analogies.py — writes analogies-tr.txt and analogies-en.txt from the pair lists below.

The lists were written for tezgah (word pairs are facts of the language: a capital and its
country, a noun and its plural, …); nothing is copied from another evaluation set. Each
section is built the way word2vec's questions-words.txt was: every ordered combination of
two different pairs of the section, (a b) and (c d), gives the question "a b c d" (a is to
b as c is to d). Sections with more than CAP combinations keep CAP of them, drawn with a
fixed seed so the files are the same on every run, then put back in list order.

Run from anywhere with any Python 3:  python3 datasets/eval/make_analogies.py
"""
import os
import random

CAP = 100
SEED = 1

TR = [
    ("başkent-ülke", """
        ankara türkiye      paris fransa        berlin almanya      moskova rusya
        londra ingiltere    roma italya         madrid ispanya      atina yunanistan
        tahran iran         bağdat ırak         şam suriye          kahire mısır
        tokyo japonya       pekin çin           washington abd      sofya bulgaristan
        varşova polonya     lizbon portekiz     budapeşte macaristan bükreş romanya
        bakü azerbaycan     kabil afganistan
    """),
    # Only pairs that differ in gender alone. Not amca/teyze: amca is the father's brother,
    # teyze the mother's sister (the pairs are amca/hala and dayı/teyze).
    ("aile-cinsiyet", """
        kral kraliçe        erkek kadın         baba anne           oğul kız
        prens prenses       bey hanım           bay bayan           babam annem
        oğlum kızım         ağabey abla         damat gelin         erkeklerin kadınların
        erkekler kadınlar   babalar anneler     oğlu kızı           babası annesi
        kocası karısı
    """),
    ("çoğul", """
        kitap kitaplar      ev evler            çocuk çocuklar      ülke ülkeler
        şehir şehirler      okul okullar        öğrenci öğrenciler  öğretmen öğretmenler
        araba arabalar      yıl yıllar          gün günler          insan insanlar
        soru sorular        sorun sorunlar      şirket şirketler    işçi işçiler
        asker askerler      kuş kuşlar          ağaç ağaçlar        göz gözler
        yol yollar          kedi kediler        parti partiler      bakan bakanlar
    """),
    # The locative case (-de/-da/-te/-ta): vowel harmony and the voiceless consonants.
    ("bulunma-hali", """
        ev evde             okul okulda         şehir şehirde       ülke ülkede
        yol yolda           deniz denizde       köy köyde           sokak sokakta
        dünya dünyada       oda odada           bölge bölgede       toplantı toplantıda
        meclis mecliste     hastane hastanede   cezaevi cezaevinde  kent kentte
        ilçe ilçede         saray sarayda       orman ormanda       bahçe bahçede
    """),
    # Third person singular: present continuous (-iyor) → past (-di).
    ("fiil-zaman", """
        geliyor geldi       gidiyor gitti       yapıyor yaptı       diyor dedi
        alıyor aldı         veriyor verdi       görüyor gördü       istiyor istedi
        başlıyor başladı    çalışıyor çalıştı   kalıyor kaldı       oluyor oldu
        bekliyor bekledi    söylüyor söyledi    düşünüyor düşündü   kazanıyor kazandı
        açıklıyor açıkladı  yaşıyor yaşadı      okuyor okudu        yazıyor yazdı
        konuşuyor konuştu   artıyor arttı       düşüyor düştü       bulunuyor bulundu
    """),
    ("zıt-anlam", """
        iyi kötü            büyük küçük         uzun kısa           yeni eski
        açık kapalı         sıcak soğuk         zengin fakir        genç yaşlı
        kolay zor           hızlı yavaş         yüksek düşük        ağır hafif
        doğru yanlış        geniş dar           güçlü zayıf         erken geç
        az çok              ilk son             iç dış              ön arka
        gece gündüz         savaş barış         siyah beyaz         var yok
    """),
    ("ülke-dil", """
        türkiye türkçe      almanya almanca     fransa fransızca    rusya rusça
        ingiltere ingilizce italya italyanca    ispanya ispanyolca  japonya japonca
        çin çince           yunanistan yunanca  iran farsça         portekiz portekizce
        macaristan macarca  bulgaristan bulgarca polonya lehçe
    """),
    ("ülke-millet", """
        türkiye türk        almanya alman       fransa fransız      rusya rus
        ingiltere ingiliz   italya italyan      ispanya ispanyol    japonya japon
        yunanistan yunan    iran iranlı         bulgaristan bulgar  abd amerikalı
        gürcistan gürcü     israil israilli     filistin filistinli sırbistan sırp
        hırvatistan hırvat  ırak ıraklı         pakistan pakistanlı
    """),
]

EN = [
    ("capital-country", """
        athens greece       paris france        berlin germany      moscow russia
        london england      rome italy          madrid spain        tokyo japan
        cairo egypt         lisbon portugal     vienna austria      dublin ireland
        oslo norway         copenhagen denmark  warsaw poland       budapest hungary
        brussels belgium    havana cuba         lima peru           damascus syria
        amsterdam netherlands ankara turkey
    """),
    ("family-gender", """
        king queen          man woman           father mother       son daughter
        brother sister      husband wife        boy girl            uncle aunt
        nephew niece        prince princess     grandfather grandmother he she
        his her             lord lady           emperor empress     duke duchess
        god goddess         monk nun            groom bride         kings queens
        fathers mothers     sons daughters
    """),
    ("plural-nouns", """
        book books          house houses        child children      car cars
        city cities         country countries   school schools      student students
        year years          dog dogs            cat cats            bird birds
        tree trees          eye eyes            hand hands          horse horses
        river rivers        foot feet           tooth teeth         mouse mice
        church churches     ship ships          word words          window windows
    """),
    ("verb-past-tense", """
        go went             come came           see saw             take took
        give gave           know knew           think thought       find found
        run ran             write wrote         speak spoke         eat ate
        drink drank         sing sang           fall fell           begin began
        tell told           sit sat             stand stood         buy bought
        bring brought       feel felt           hear heard          walk walked
    """),
    ("opposites", """
        good bad            big small           long short          new old
        hot cold            rich poor           easy hard           fast slow
        high low            heavy light         true false          wide narrow
        strong weak         early late          first last          inside outside
        day night           war peace           black white         up down
        love hate           happy sad           wet dry             deep shallow
    """),
    ("comparative", """
        big bigger          good better         bad worse           small smaller
        large larger        long longer         short shorter       old older
        young younger       high higher         low lower           strong stronger
        weak weaker         fast faster         slow slower         hard harder
        easy easier         great greater       rich richer         warm warmer
        cold colder         deep deeper         wide wider          close closer
    """),
    ("nationality-adjective", """
        france french       germany german      russia russian      england english
        italy italian       spain spanish       japan japanese      china chinese
        greece greek        egypt egyptian      portugal portuguese poland polish
        sweden swedish      norway norwegian    denmark danish      turkey turkish
        mexico mexican      canada canadian     india indian        ireland irish
    """),
]

def pairs_of(block):
    words = block.split()
    assert len(words) % 2 == 0, block
    pairs = [(words[i], words[i + 1]) for i in range(0, len(words), 2)]
    seen = set()
    for p in pairs:
        for w in p:
            assert w not in seen, "word used twice in a section: " + w
            seen.add(w)
    return pairs


def questions(pairs, rng):
    combos = [(i, j) for i in range(len(pairs)) for j in range(len(pairs)) if i != j]
    if len(combos) > CAP:
        combos = sorted(rng.sample(combos, CAP))
    return ["%s %s %s %s" % (pairs[i] + pairs[j]) for i, j in combos]


def write(path, sections):
    rng = random.Random(SEED)
    out = []   # no comment lines: gensim's evaluate_word_analogies wants a section header first
    total = 0
    for name, block in sections:
        qs = questions(pairs_of(block), rng)
        out.append(": " + name)
        out.extend(qs)
        total += len(qs)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print("%s: %d sections, %d questions" % (path, len(sections), total))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    write(os.path.join(here, "analogies-tr.txt"), TR)
    write(os.path.join(here, "analogies-en.txt"), EN)


if __name__ == "__main__":
    main()
