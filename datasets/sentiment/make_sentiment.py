#!/usr/bin/env python3
"""make_sentiment.py — writes the sentiment sets {tr,en}.txt and {tr,en}.test.txt.

Everything here was written for tezgah: the hand-written review lines below, the subjects
(with their Turkish case forms), the aspect clauses, the closing sentences and the sentence
frames. Nothing is copied from an existing data set or web site.

Each language has two classes, __label__pos and __label__neg, with PER_CLASS lines each:
the hand-written lines of that class, topped up with lines built from a frame, a subject,
one or two aspect clauses of the subject's domain (film, book, restaurant, product, hotel,
service, course) and sometimes a closing sentence or an adjective. The drawing uses
random.Random("SEED-LANG"), one stream per language, so the files are the same on every
run and a change to one language does not move the other. Limits that keep the generated
lines varied: every frame has a cap, every aspect clause is used at most ASPECT_CAP times,
a frame never gets the same subject or the same main filler twice, and a subject never gets
the same aspect twice. Lines are de-duplicated on a normalised form (lower case, letters
and digits only).

The positive and negative frames mirror each other, and frames that negate an opinion word
("Not bad at all", "hiç de fena değildi") are capped low; check_polarity() fails the run if
an opinion word ("good", "bad", "iyi", "kötü", …) turns up in more lines of the other class
than of its own.

The split is stratified and deterministic: the lines of each class are shuffled with the
same generator and the first TEST_SHARE of them go to the .test.txt file, the rest to the
training file (train and test never share a line, not even after normalisation).

By design, the chapter's example "There is nothing to like in this movie." is *not* in the
data: the frame "There is nothing to like in X" is never combined with "this movie" or
"the movie", and main() checks that no line contains "nothing to like in this movie".

Run from anywhere with any Python 3 (standard library only, about 0.2 s):
    python3 datasets/sentiment/make_sentiment.py           # rewrite the four files
    python3 datasets/sentiment/make_sentiment.py --check   # exit 1 if they are out of date
"""
import os
import random
import re
import sys

SEED = 7
PER_CLASS = 340      # lines per class and language, before the split
TEST_SHARE = 0.2     # share of each class held out for testing
ASPECT_CAP = 4       # times one aspect clause may be used in one language and class


# ---------------------------------------------------------------------------------------
# English
# ---------------------------------------------------------------------------------------

# A domain: subjects (noun phrases; "person": True for people, who do not fit frames such
# as "nothing to like in X"), aspect clauses for each class, closing sentences per class.
EN_DOMAINS = {
    "film": {
        "subjects": ["this film", "the movie", "this movie", "this documentary", "the sequel",
                     "this thriller", "the new animated film", "this romantic comedy",
                     "the director's latest film"],
        "pos": [
            "the acting was superb from start to finish",
            "the soundtrack stayed with me for days",
            "the plot kept me guessing until the very end",
            "every scene looked like a painting",
            "the two leads had wonderful chemistry",
            "the jokes actually landed",
            "the ending made half the cinema cry",
            "it was funny and moving at the same time",
            "the pacing never dragged, even at two and a half hours",
            "the child actors were surprisingly convincing",
            "the dialogue felt sharp and real",
            "I laughed more than I have in months",
        ],
        "neg": [
            "the plot made no sense at all",
            "the dialogue was painfully wooden",
            "I checked my watch every ten minutes",
            "the ending was lazy and rushed",
            "the jokes fell completely flat",
            "the special effects looked cheap",
            "the lead actor seemed bored in every scene",
            "half the story was left unexplained",
            "the sound was so loud it gave me a headache",
            "it was at least forty minutes too long",
            "the characters were flat and forgettable",
            "the twist was obvious from the first scene",
            "it was boring from start to finish",
        ],
        "pos_end": ["I would happily watch it again.", "Go and see it in the cinema if you can.",
                    "Easily the best film I have seen this year.",
                    "I'm already planning to watch it again."],
        "neg_end": ["Two hours of my life I will never get back.",
                    "Skip it and save your ticket money.",
                    "I almost walked out halfway through.",
                    "Wait until it's on TV, or better, don't bother."],
    },
    "book": {
        "subjects": ["this novel", "the book", "this short story collection", "the biography",
                     "the second book in the series", "this poetry collection",
                     "the new detective novel"],
        "pos": [
            "I couldn't put it down",
            "the characters felt like real people",
            "the writing was clear and beautiful",
            "every chapter ended with a reason to keep reading",
            "the translation read smoothly",
            "some pages made me laugh out loud",
            "the last chapter gave me goosebumps",
            "the author clearly knew the subject inside out",
            "I finished it in one weekend",
            "the descriptions of the town were vivid",
            "I kept thinking about it for weeks",
        ],
        "neg": [
            "I could barely get past the first fifty pages",
            "the characters were paper thin",
            "the writing was clumsy and repetitive",
            "nothing really happened for three hundred pages",
            "the translation was full of mistakes",
            "the ending felt like the author just gave up",
            "it was full of clichés",
            "the print was tiny and the pages fell out",
            "the main character was impossible to care about",
            "every chapter said the same thing again",
            "the dialogue read like a textbook",
            "it was boring and far too long",
        ],
        "pos_end": ["I'll read everything this author writes from now on.",
                    "A book I will keep on my shelf for years.",
                    "Perfect for a long train journey."],
        "neg_end": ["I gave up and gave it away.", "Not worth the paper it's printed on.",
                    "I won't be reading the rest of the series."],
    },
    "restaurant": {
        "subjects": ["this restaurant", "the café on the corner", "the kebab place near the station",
                     "this steakhouse", "the family restaurant by the sea", "this fish restaurant",
                     "this little bistro", "the soup place by the market"],
        "pos": [
            "the food came hot and fresh",
            "the portions were generous",
            "the waiters were friendly and quick",
            "the bread was still warm from the oven",
            "the prices were very reasonable",
            "the dessert alone was worth the trip",
            "everything tasted homemade",
            "they made a vegetarian dish for us without any fuss",
            "the tea kept coming without us asking",
            "the place was spotless",
            "every dish was perfectly seasoned",
            "the service was really good",
            "the food was great and beautifully presented",
        ],
        "neg": [
            "the food arrived cold",
            "we waited forty-five minutes for our order",
            "the waiter was rude and never came back",
            "everything was far too salty",
            "the bill was twice what we expected",
            "the tables were sticky",
            "everything was swimming in oil",
            "they got our order wrong twice",
            "the portions were tiny for the price",
            "I had a stomach ache all night afterwards",
            "the music was so loud we couldn't talk",
            "the service was really bad",
        ],
        "pos_end": ["We will definitely go back.", "Best meal I've had in a long time.",
                    "Book a table, it gets busy for good reason."],
        "neg_end": ["We won't be going back.", "Eat anywhere else.", "Never again."],
    },
    "product": {
        "subjects": ["this phone", "the vacuum cleaner", "this kettle", "the laptop", "this printer",
                     "the coffee machine", "this hair dryer", "the electric toothbrush",
                     "this blender"],
        "pos": [
            "it feels solid and well made",
            "setting it up took five minutes",
            "it does exactly what it promises",
            "it still works perfectly after a year",
            "it takes up very little space",
            "it arrived a day early and well packed",
            "it was worth every penny",
            "it is better than the expensive one I had before",
            "the instructions were short and clear",
            "it looks even nicer than in the photos",
            "the build quality is really good",
        ],
        "neg": [
            "it broke after two weeks",
            "it stopped working the day the warranty ended",
            "it feels cheap and flimsy",
            "it arrived scratched and with a part missing",
            "it looks nothing like the photos",
            "the instructions were useless",
            "it is much heavier than advertised",
            "it makes a horrible rattling noise",
            "the return process was a nightmare",
            "the seller never answered my questions",
            "the build quality is really bad",
        ],
        "pos_end": ["Worth every penny.", "I've already ordered a second one as a gift.",
                    "Five stars, no hesitation."],
        "neg_end": ["Save your money.", "I sent it back the same week.", "Do not buy this."],
    },
    "hotel": {
        "subjects": ["this hotel", "the guesthouse", "the seaside hotel", "this hostel",
                     "the resort", "the small hotel in the old town", "this holiday village"],
        "pos": [
            "the room was spotless and quiet",
            "the staff remembered our names",
            "breakfast had everything you could want",
            "the view from the balcony was stunning",
            "the beds were incredibly comfortable",
            "they let us check in early at no extra charge",
            "it was a short walk from everything",
            "there was hot water all day and plenty of it",
            "the receptionist gave us excellent tips for the city",
            "the pillows were soft and the room smelled fresh",
            "they left us a small gift on our last day",
            "the location was really good",
        ],
        "neg": [
            "the room smelled of smoke",
            "the sheets were stained",
            "there was no hot water for three days",
            "the walls were so thin we heard every word next door",
            "the air conditioning didn't work",
            "reception ignored our complaints",
            "the pool was green and closed half the time",
            "the photos online were clearly from years ago",
            "breakfast was stale bread and weak coffee",
            "they charged us for things we never used",
            "the lift was broken the whole week",
            "the towels were never changed",
            "the location was really bad",
        ],
        "pos_end": ["We are already planning our next stay.", "I'd stay there again in a heartbeat."],
        "neg_end": ["Find somewhere else to stay.", "We checked out a day early."],
    },
    "service": {
        "subjects": ["the bank's customer service", "my internet provider", "the insurance company",
                     "the phone company's call centre", "my mobile operator",
                     "the council's help desk"],
        "pos": [
            "they solved my problem in one call",
            "the person I spoke to was polite and patient",
            "it was quick and easy from start to finish",
            "they explained every charge clearly",
            "they kept every promise they made",
            "the staff actually listened",
            "there were no hidden fees",
            "they called back exactly when they said they would",
            "they refunded me without a single question",
            "the app made everything simple",
            "my question was answered within minutes",
        ],
        "neg": [
            "I was on hold for over an hour",
            "I had to explain the same problem five times",
            "nobody ever called me back",
            "they charged me twice and refused to refund me",
            "they promised one thing and did another",
            "every person I spoke to told me something different",
            "it took three weeks to fix a five-minute problem",
            "they lost my documents",
            "the staff were rude and impatient",
            "the app kept logging me out",
            "my emails went unanswered for weeks",
        ],
        "pos_end": ["Finally a company that cares about its customers.", "I will use them again."],
        "neg_end": ["I'm cancelling my contract.", "Avoid them if you can."],
    },
    "course": {
        "subjects": ["the course", "this online programming course", "the weekend Spanish class",
                     "this statistics course", "the first-year physics lectures",
                     {"np": "our chemistry teacher", "person": True},
                     {"np": "the history lecturer", "person": True},
                     {"np": "our maths teacher", "person": True}],
        "pos": [
            "every lesson was clear and well prepared",
            "the explanations were clear even for the hardest topics",
            "the exercises were just the right difficulty",
            "questions were always welcome",
            "I finally understood things I had struggled with for years",
            "the feedback on our homework was detailed and kind",
            "the lessons were never boring",
            "I passed the exam with a much better grade than I expected",
            "the examples came from real life",
            "the notes were well organised",
            "the teaching was really good",
        ],
        "neg": [
            "the lessons were disorganised and hard to follow",
            "questions were treated as interruptions",
            "the slides were just read out word for word",
            "the exam had nothing to do with what we studied",
            "homework came back weeks late with no comments",
            "half the lessons were cancelled at the last minute",
            "the videos were outdated and blurry",
            "I learned more from free videos online",
            "the pace was far too fast for beginners",
            "the grading felt completely random",
            "the lessons were boring and repetitive",
            "the teaching was really bad",
        ],
        "pos_end": ["I would recommend it to every student.", "I wish every class were like this."],
        "neg_end": ["I wouldn't recommend it to anyone.", "A waste of a whole semester."],
    },
}

EN_ENDS = {
    "pos": ["Highly recommended.", "I loved it.", "Absolutely brilliant.", "Can't recommend it enough."],
    "neg": ["Very disappointing.", "A complete waste of money.", "Terrible.", "Not recommended."],
}
EN_ADJ = {
    "pos": ["great", "good", "really good", "very good", "excellent", "wonderful", "fantastic",
            "brilliant", "superb", "lovely"],
    "neg": ["bad", "really bad", "very bad", "terrible", "awful", "dreadful", "disappointing",
            "poor", "mediocre at best", "a complete letdown"],
}

# Frames. {X} subject, {A} {A2} aspect clauses, {C} closing sentence, {J} adjective.
# Flags: "thing": the frame does not fit a person; "enjoy": not for NO_ENJOY domains;
# "cap": at most this many lines from the frame. Sentence starts are capitalised afterwards.
#
# The two lists mirror each other: most positive frames have a negative twin built from the
# same words except the ones that carry the opinion ("Not bad at all" / "Not good at all",
# "nothing bad about" / "nothing good about"), so that the frames themselves do not give the
# label away. Frames that *negate* an opinion word ("not bad", "nothing good", "expected to
# hate") are capped low, so that plain uses stay in the majority: "good" is mostly positive
# and "bad" mostly negative, as in real reviews (check_polarity() below checks this).
EN_FRAMES = {
    "pos": [
        ("{X} was {J}. {A}.", {}),
        ("{X} was {J}.", {}),
        ("{A}.", {}),
        ("{A}, and {A2}. {C}", {}),
        ("Honestly, {A}. {C}", {}),
        ("{C} {A}.", {}),
        ("{X} is really good: {A}.", {}),
        ("Overall a good experience: {A}.", {}),
        ("I really love {X}: {A}.", {}),
        ("I like {X} a lot: {A}.", {}),
        ("A great choice: {A}.", {}),
        ("Loved {X}! {A}.", {}),
        ("Really happy with {X}. {A}.", {}),
        ("Only good things to say about {X}. {C}", {}),
        ("Give {X} a try; {A}.", {}),
        ("Everything about {X} worked for me; {A}.", {}),
        ("I wasn't sure about {X} at first, but {A}.", {}),
        ("My friends warned me about {X}, but {A}.", {}),
        ("{X} turned out much better than the reviews said: {A}.", {"thing": True}),
        ("{X} is worth it: {A}.", {"thing": True}),
        ("There is a lot to like in {X}: {A}.", {"thing": True, "enjoy": True}),
        ("I found so much to enjoy in {X}. {A}.", {"thing": True, "enjoy": True}),
        ("I expected to hate {X}, but {A}.", {"cap": 4}),
        ("Not bad at all: {A}.", {"cap": 4}),
        ("{X} isn't perfect, but {A} and {A2}.", {"cap": 4}),
        ("{X} did not disappoint: {A}.", {"cap": 4}),
        ("I had no complaints about {X} at all. {C}", {"cap": 4}),
        ("I didn't expect to like {X}, but {A}.", {"cap": 4}),
        ("Everyone complained about {X}, and I don't understand why: {A}.", {"cap": 4}),
        ("There is nothing I would change about {X}: {A}.", {"thing": True, "cap": 4}),
        ("I can't say anything bad about {X}; {A}.", {"cap": 3}),
        ("There was nothing bad about {X}. {A}.", {"cap": 3}),
        ("{X} looked boring on paper, but {A}.", {"thing": True, "cap": 3}),
    ],
    "neg": [
        ("{X} was {J}. {A}.", {}),
        ("{X} was {J}.", {}),
        ("{A}.", {}),
        ("{A}, and {A2}. {C}", {}),
        ("Honestly, {A}. {C}", {}),
        ("{C} {A}.", {}),
        ("{X} is really bad: {A}.", {}),
        ("Overall a bad experience: {A}.", {}),
        ("I really hate {X}: {A}.", {}),
        ("I really dislike {X}: {A}.", {}),
        ("A terrible choice: {A}.", {}),
        ("Hated {X}. {A}.", {}),
        ("Really unhappy with {X}. {A}.", {}),
        ("I had nothing but complaints about {X}: {A}.", {}),
        ("Stay away from {X}; {A}.", {}),
        ("Nothing about {X} worked for me; {A}.", {}),
        ("I was excited about {X} at first, but {A}.", {}),
        ("My friends recommended {X}, but {A}.", {}),
        ("{X} turned out much worse than the reviews said: {A}.", {"thing": True}),
        ("{X} is not worth it: {A}.", {"thing": True}),
        ("There is nothing to like in {X}: {A}.", {"thing": True}),
        ("I found nothing to enjoy in {X}. {A}.", {"thing": True, "enjoy": True}),
        ("{X} did not live up to the hype: {A}.", {}),
        ("I expected to love {X}, but {A}.", {"cap": 4}),
        ("Not good at all: {A}.", {"cap": 4}),
        ("{X} isn't the worst, but {A} and {A2}.", {"cap": 4}),
        ("I really wanted to like {X}, but {A}.", {"cap": 4}),
        ("Everyone praised {X}, and I don't understand why: {A}.", {"cap": 4}),
        ("There was nothing good about {X}. {A}.", {"cap": 5}),
        ("I can't say anything good about {X}; {A}.", {"cap": 3}),
        ("Nothing good to say about {X}. {C}", {"cap": 3}),
        ("{X} looked great on paper, but {A}.", {"thing": True, "cap": 3}),
    ],
}

# Opinion words whose plain use must outnumber their negated use in each class (checked by
# check_polarity): (word, the class it belongs to). Matched as whole words, case-insensitive.
EN_POLARITY = [("good", "pos"), ("great", "pos"), ("love", "pos"), ("like", "pos"),
               ("bad", "neg"), ("terrible", "neg"), ("boring", "neg"), ("hate", "neg")]

EN_HAND = {
    "pos": """
Not bad at all, actually. I'd watch it again.
I expected to hate this book, but I ended up reading it in two days.
The reviews were terrible, yet I enjoyed every single minute.
Never had a better kebab in my life.
It has never crashed once in two years of daily use.
I couldn't put it down until three in the morning.
Our waiter was a gem and the lentil soup was perfect.
Cheap, cheerful and surprisingly tasty.
The hotel is old, but it is clean, quiet and run by lovely people.
Mr. Aydın made me love physics, which I thought was impossible.
I was dreading the statistics course and it became my favourite class.
Nothing beats their breakfast on a Sunday morning.
There is nothing I would change about this book.
No complaints at all; the parcel came early and the box was perfect.
Small screen, huge battery, and it just works.
I laughed, I cried, and I called my mother afterwards.
The film is slow at the start, but stick with it: the last hour is wonderful.
Five stars. The headphones block out the noise of the whole bus.
Honestly one of the kindest teachers I've ever had.
The room was tiny but spotless, and the view made up for everything.
Worth every penny, and I'm not an easy customer.
I didn't think a documentary about bees could be so gripping.
The course was hard but fair, and I learned more than in any other class.
They fixed my laptop in an hour and only charged for the part.
What a lovely little café! The cinnamon rolls are unreal.
My kids watched it three times in a row.
Great value for money; I wish everything I bought lasted this long.
I don't usually write reviews, but this place deserves one.
Surprisingly good for such a cheap phone.
The twist in the middle caught me completely off guard, in the best way.
The staff went out of their way to find my lost bag.
A warm, funny, honest book.
The vacuum is quiet enough to use while the baby sleeps.
It's not a perfect film, but it's a brave and beautiful one.
I was worried about the price, but it was worth it.
The teacher never made anyone feel stupid for asking.
Loved every page.
Best pizza in town, no question.
I would happily stay here again.
The app is simple and fast, and it doesn't spam me with notifications.
I didn't expect much from a sequel, but it's even better than the first.
Clean rooms, friendly staff, great breakfast. What more do you need?
My order arrived in perfect condition and a day early.
The author writes about grief without being heavy, which is rare.
I've recommended this course to everyone in my department.
The shoes were comfortable from the very first run.
It was the best evening we've had in months.
The dentist was gentle and explained everything before she started.
This kettle boils in under a minute and looks great on the counter.
I had my doubts about online classes, but this one really worked.
The soundtrack alone is worth the ticket.
Lovely food and even lovelier people.
Our guide knew the story behind every stone.
It's the kind of book you want to give to all your friends.
I can't remember the last time a film made me this happy.
Fast delivery, great quality, fair price.
Not a single thing went wrong during our stay.
Ms. Demir's lessons were the highlight of my week.
A small restaurant with a big heart.
Don't let the ugly cover fool you; this novel is a gem.
Really impressed with how well it's made.
I didn't regret a single penny.
The actors are unknown, but every one of them is excellent.
Five minutes into the first lesson, I knew I had chosen the right course.
The woman on the phone stayed on the line until everything was sorted.
I keep going back for the mantı.
The battery is not huge, but it easily gets me through the day.
It was funny without being stupid, which is harder than it looks.
Great hotel, great location, great price.
I was sceptical, but now I'm a fan.
The instructor stayed patient even when I stalled the car five times.
Nothing fancy, just honest, delicious home cooking.
I finished the book and immediately started it again.
These headphones are the best thing I bought this year.
An excellent course that I wish I had taken years ago.
The seats were comfortable and the sound was perfect.
The chef came out to ask if we liked everything, which was a nice touch.
Quietly brilliant.
I never thought I would enjoy a book about economics.
The repair was quick, cheap and done properly.
I really liked it.
This is how customer service should be.
Far better than I expected.
After the film I wanted to call all my old friends.
Plain room, brilliant staff, unforgettable view.
It does one job and it does it perfectly.
Even my picky son cleaned his plate.
I would give it six stars if I could.
A real page-turner with a heart.
Everyone in the class passed, and everyone enjoyed it.
I was ready to be bored, and instead I was glued to the screen.
We came for one night and stayed for a week.
Great service.
Really good value.
What a great book!
A delightful little film.
Comfortable, quiet and very clean.
Delicious, every single time.
So much better than the old one.
Friendly people and a very fair price.
The battery lasted the whole camping trip.
Our room had the best view in the building, and nobody charged us extra for it.
I read it on the bus and missed my stop twice.
The waiter recommended the lamb and he was absolutely right.
Simple, honest filmmaking with a big heart.
My grades went up a whole letter after one term with her.
The bank sorted out my card in ten minutes, on a Saturday.
I bought it for my dad and now my mum wants one too.
The pastry was flaky, the coffee was strong, and the owner was lovely.
It's the first course where I actually looked forward to the homework.
I've worn these boots every day for a year and they still look new.
The cast clearly had fun, and so did we.
Check-in took two minutes and the room was ready early.
Every chapter taught me something I didn't know.
The delivery driver carried the washing machine up four floors without a word of complaint.
Quiet, fast and easy to clean.
The soup tasted just like my grandmother's.
I left the cinema smiling and kept smiling all the way home.
The printer connected to my laptop on the first try.
She explains grammar so well that even I understood it.
Good food, fair prices, no fuss.
The audiobook narrator made the characters come alive.
The plumber came when he said he would and left the kitchen cleaner than he found it.
I was not expecting much, and I was wrong.
Every part of the trip was better than the brochure.
I like this café more every time I go.
I like how simple the app is.
What I like most is how quiet the rooms are at night.
I like the way this author writes about ordinary people.
We love coming here for breakfast on Sundays.
I love how light this laptop is.
""",
    "neg": """
It's not the worst phone I've owned, but it comes close.
The trailer was great; the film was not.
Nothing special, and overpriced too.
I could barely finish it.
There is nothing to like about this place, from the food to the service.
There was nothing good about our stay, not even the breakfast.
Nothing good came out of this course except a certificate.
I found nothing worth remembering in this book.
There's nothing here you can't get cheaper and better elsewhere.
Honestly, there is nothing to recommend in this hotel.
Not good at all. I want my money back.
The cover is beautiful, which is the only nice thing I can say.
The teacher spent half the lesson on her phone.
It looked nice in the photos, but in real life it's flimsy plastic.
Two stars, and that's being generous.
I wanted to like it, I really did.
The food was cold, the waiter was rude and the bill was wrong.
Worst hotel I have ever stayed in.
The battery dies before lunch.
I fell asleep twice during the film.
The book promises a lot and delivers nothing.
After three calls and two emails, my problem is still not solved.
Don't waste your time on this course.
The room was nothing like the pictures.
This movie was a mess from beginning to end.
I have never been so bored in a cinema.
It stopped charging after a month.
The kebab was dry and the bread was stale.
Expensive, slow and unfriendly.
Not worth the hype.
The sequel ruined everything I loved about the first film.
I don't understand how this book became a bestseller.
The lecturer read from the slides for three hours.
The parcel arrived opened and half empty.
We were moved to a different room twice and neither had a window.
I would not eat there again if it were free.
The headphones hurt my ears after ten minutes.
A very long, very dull film.
The instructor shouted at me for the whole lesson.
Everything about this product feels cheap.
I didn't enjoy a single chapter.
The app crashes every time I try to pay.
Nothing worked as promised.
Sadly, it was a complete disappointment.
The lessons had no structure at all.
The coffee tasted burnt and the cake was stale.
This hotel is not cheap, and it is not good either.
I kept waiting for it to get better, and it never did.
Three weeks later, still no refund.
The characters are so annoying that I stopped caring what happened to them.
Avoid.
The washing machine leaked on the first day.
The jokes were not funny, just loud.
The waiter forgot about us for half an hour.
Far worse than I expected.
I would rather read the phone book.
There's nothing new or interesting in this documentary.
Nothing about the service was acceptable.
They promised a sea view and gave us a view of the car park.
The course materials were full of errors.
It's loud, it's slow and it smells when it heats up.
I regret buying it.
The acting was so bad that people in the cinema laughed at the sad scenes.
The delivery man threw the box over the fence.
An hour on hold, and then they hung up on me.
The pages started falling out after the first read.
It was fine for a day, then the screen started flickering.
Our teacher never learned our names.
A boring book about an interesting subject, which is quite an achievement.
The pool was closed for our entire stay.
I wish I could give zero stars.
It's cheap, and you can tell.
We left hungry and annoyed.
The ending made the whole film pointless.
Every promise on the box turned out to be false.
The shower was cold and the towels were grey.
I've had better pizza at a petrol station.
The exam questions had nothing to do with the lessons.
Customer service? What customer service?
The story goes nowhere.
Terrible sound, terrible fit, terrible value.
I did not like it at all.
The fish smelled off and they still charged us for it.
Beautiful building, awful hotel.
I've seen school plays with better acting.
Nothing to like and nothing to remember.
It broke the first time I dropped it, from knee height.
The tutor cancelled four times without warning.
The first chapter is good; the rest is padding.
No, just no.
I don't see anything to like in a film that treats its audience like children.
There is not one thing I enjoyed about this restaurant.
Awful service.
Really poor quality.
What a boring book.
A tedious, forgettable film.
Uncomfortable, noisy and dirty.
Tasteless, every single time.
So much worse than the old one.
Unfriendly people and a ridiculous price.
The battery lasted less than a day on our camping trip.
Our room faced a wall, and they still charged us for a view.
I read the first three chapters twice and still couldn't tell the characters apart.
The waiter recommended the lamb and it was raw in the middle.
A loud, empty film with nothing to say.
After a whole term with him, I still couldn't solve a single equation.
The bank blocked my card and nobody could tell me why.
I bought one for my dad and it was broken within a month.
The pastry was soggy, the coffee was cold, and the owner didn't care.
The homework was pointless busywork that nobody ever checked.
The boots started leaking the first time it rained.
The actors looked as if they wanted to be somewhere else.
Check-in took an hour and our room still wasn't ready.
Every chapter repeats the last one in slightly different words.
The delivery driver left the washing machine in the street.
Noisy, slow and impossible to clean.
The soup tasted like hot water with salt in it.
I left the cinema with a headache and a lighter wallet.
The printer refuses to connect and the help line is a recording.
He explains nothing and gets angry when we ask.
Bad food, high prices, long waits.
The audiobook narrator read everything in the same flat voice.
The plumber never came, and the leak is still there.
I was expecting a lot, and I got very little.
Nothing about the trip matched the brochure.
I hate to say it, but the new season is a mess.
I hate how the battery drains overnight for no reason.
There is nothing funny in this comedy.
There is nothing in this book that you haven't read a hundred times before.
There's nothing worth seeing in this museum.
There is nothing to do in this hotel after six in the evening.
Nothing works the way it should.
Nothing on the menu tasted fresh.
There is nothing original in this film.
Nothing in this course was worth the fee.
The second half is so boring that half the audience fell asleep.
Boring lessons, boring books, boring exams.
""",
}


# ---------------------------------------------------------------------------------------
# Turkish
# ---------------------------------------------------------------------------------------

def tr_np(nom, acc, dat, loc, gen, abl, person=False):
    """A Turkish noun phrase with its case forms written out (no automatic suffixing:
    vowel harmony, consonant changes and apostrophes on proper nouns are done by hand).
    loc is None where "X'te …" does not make sense (people)."""
    return {"nom": nom, "acc": acc, "dat": dat, "loc": loc, "gen": gen, "abl": abl,
            "person": person}


TR_DOMAINS = {
    "film": {
        "subjects": [
            tr_np("bu film", "bu filmi", "bu filme", "bu filmde", "bu filmin", "bu filmden"),
            tr_np("filmin devamı", "filmin devamını", "filmin devamına", "filmin devamında",
                  "filmin devamının", "filmin devamından"),
            tr_np("bu belgesel", "bu belgeseli", "bu belgesele", "bu belgeselde", "bu belgeselin",
                  "bu belgeselden"),
            tr_np("Son Vapur", "Son Vapur'u", "Son Vapur'a", "Son Vapur'da", "Son Vapur'un",
                  "Son Vapur'dan"),
            tr_np("bu gerilim filmi", "bu gerilim filmini", "bu gerilim filmine",
                  "bu gerilim filminde", "bu gerilim filminin", "bu gerilim filminden"),
            tr_np("yönetmenin son filmi", "yönetmenin son filmini", "yönetmenin son filmine",
                  "yönetmenin son filminde", "yönetmenin son filminin", "yönetmenin son filminden"),
            tr_np("Sessiz Sokak", "Sessiz Sokak'ı", "Sessiz Sokak'a", "Sessiz Sokak'ta",
                  "Sessiz Sokak'ın", "Sessiz Sokak'tan"),
            tr_np("bu animasyon", "bu animasyonu", "bu animasyona", "bu animasyonda",
                  "bu animasyonun", "bu animasyondan"),
        ],
        "pos": [
            "oyunculuklar baştan sona çok doğaldı",
            "müzikleri günlerce aklımdan çıkmadı",
            "senaryo son dakikaya kadar merak ettirdi",
            "her sahne bir tablo gibi çekilmişti",
            "başroldeki iki oyuncunun uyumu harikaydı",
            "esprilerin hepsi yerini buldu",
            "finalde salonun yarısı ağladı",
            "hem güldürdü hem de düşündürdü",
            "iki buçuk saat su gibi aktı",
            "çocuk oyuncular bile çok inandırıcıydı",
            "diyaloglar gerçek hayattan alınmış gibiydi",
            "aylardır bu kadar gülmemiştim",
        ],
        "neg": [
            "senaryonun hiçbir mantığı yoktu",
            "diyaloglar yapay ve sıkıcıydı",
            "her on dakikada bir saatime baktım",
            "son sahne aceleye getirilmişti",
            "esprilerin hiçbiri komik değildi",
            "efektler çok ucuz duruyordu",
            "başroldeki oyuncu her sahnede sıkılmış gibiydi",
            "hikâyenin yarısı havada kaldı",
            "ses o kadar yüksekti ki başım ağrıdı",
            "en az kırk dakika fazla uzundu",
            "karakterlerin hiçbiri akılda kalmadı",
            "sürpriz sonu daha ilk sahnede tahmin ettim",
            "baştan sona sıkıcıydı",
        ],
        "pos_end": ["Bir daha izlemeyi düşünüyorum.", "Fırsatınız varsa mutlaka sinemada izleyin.",
                    "Bu yıl izlediğim en iyi filmdi.", "Kesinlikle tavsiye ederim."],
        "neg_end": ["İki saatime yazık oldu.", "Bilet parasına değmez.",
                    "Yarısında kalkıp çıkmayı düşündüm.",
                    "Televizyonda denk gelirseniz bile kanalı değiştirin."],
    },
    "book": {
        "subjects": [
            tr_np("bu roman", "bu romanı", "bu romana", "bu romanda", "bu romanın", "bu romandan"),
            tr_np("kitap", "kitabı", "kitaba", "kitapta", "kitabın", "kitaptan"),
            tr_np("bu öykü kitabı", "bu öykü kitabını", "bu öykü kitabına", "bu öykü kitabında",
                  "bu öykü kitabının", "bu öykü kitabından"),
            tr_np("serinin ikinci kitabı", "serinin ikinci kitabını", "serinin ikinci kitabına",
                  "serinin ikinci kitabında", "serinin ikinci kitabının", "serinin ikinci kitabından"),
            tr_np("Kırmızı Defter", "Kırmızı Defter'i", "Kırmızı Defter'e", "Kırmızı Defter'de",
                  "Kırmızı Defter'in", "Kırmızı Defter'den"),
            tr_np("bu biyografi", "bu biyografiyi", "bu biyografiye", "bu biyografide",
                  "bu biyografinin", "bu biyografiden"),
            tr_np("yeni çıkan polisiye", "yeni çıkan polisiyeyi", "yeni çıkan polisiyeye",
                  "yeni çıkan polisiyede", "yeni çıkan polisiyenin", "yeni çıkan polisiyeden"),
        ],
        "pos": [
            "elimden bırakamadım",
            "karakterler gerçek insanlar gibiydi",
            "dili sade ve çok akıcıydı",
            "her bölümün sonunda bir sonrakini merak ettim",
            "çevirisi çok başarılıydı",
            "bazı sayfalarda kahkahalarla güldüm",
            "son bölümde tüylerim diken diken oldu",
            "yazar konusuna çok hâkimdi",
            "bir hafta sonunda bitirdim",
            "bitirdikten haftalar sonra bile aklımdan çıkmadı",
            "kasabanın anlatımı gözümün önünde canlandı",
        ],
        "neg": [
            "ilk elli sayfayı zor bitirdim",
            "karakterlerin hiçbiri inandırıcı değildi",
            "anlatım tekrarlarla doluydu",
            "üç yüz sayfa boyunca neredeyse hiçbir şey olmadı",
            "çeviri hatalarla doluydu",
            "son bölüm, yazar yazmaktan sıkılmış gibi bitiyordu",
            "klişeden geçilmiyordu",
            "harfler çok küçüktü, sayfalar da dağıldı",
            "ana karakteri bir türlü sevemedim",
            "her bölüm bir öncekini tekrar ediyordu",
            "diyaloglar ders kitabından alınmış gibiydi",
            "sıkıcı ve gereğinden uzundu",
        ],
        "pos_end": ["Yazarın bütün kitaplarını okuyacağım.",
                    "Kitaplığımda yıllarca saklayacağım bir kitap.",
                    "Uzun yolculuklar için birebir."],
        "neg_end": ["Yarıda bırakıp birine verdim.", "Kâğıdına yazık.",
                    "Serinin devamını okumayacağım."],
    },
    "restaurant": {
        "subjects": [
            tr_np("bu lokanta", "bu lokantayı", "bu lokantaya", "bu lokantada", "bu lokantanın",
                  "bu lokantadan"),
            tr_np("köşedeki kafe", "köşedeki kafeyi", "köşedeki kafeye", "köşedeki kafede",
                  "köşedeki kafenin", "köşedeki kafeden"),
            tr_np("istasyonun yanındaki kebapçı", "istasyonun yanındaki kebapçıyı",
                  "istasyonun yanındaki kebapçıya", "istasyonun yanındaki kebapçıda",
                  "istasyonun yanındaki kebapçının", "istasyonun yanındaki kebapçıdan"),
            tr_np("Kardelen Lokantası", "Kardelen Lokantası'nı", "Kardelen Lokantası'na",
                  "Kardelen Lokantası'nda", "Kardelen Lokantası'nın", "Kardelen Lokantası'ndan"),
            tr_np("yeni açılan ocakbaşı", "yeni açılan ocakbaşını", "yeni açılan ocakbaşına",
                  "yeni açılan ocakbaşında", "yeni açılan ocakbaşının", "yeni açılan ocakbaşından"),
            tr_np("sahildeki balıkçı", "sahildeki balıkçıyı", "sahildeki balıkçıya",
                  "sahildeki balıkçıda", "sahildeki balıkçının", "sahildeki balıkçıdan"),
            tr_np("bu köfteci", "bu köfteciyi", "bu köfteciye", "bu köftecide", "bu köftecinin",
                  "bu köfteciden"),
            tr_np("çarşıdaki esnaf lokantası", "çarşıdaki esnaf lokantasını",
                  "çarşıdaki esnaf lokantasına", "çarşıdaki esnaf lokantasında",
                  "çarşıdaki esnaf lokantasının", "çarşıdaki esnaf lokantasından"),
        ],
        "pos": [
            "yemekler sıcacık ve tazeydi",
            "porsiyonlar doyurucuydu",
            "garsonlar güler yüzlü ve hızlıydı",
            "ekmek fırından yeni çıkmıştı",
            "fiyatlar gayet makuldü",
            "sırf tatlısı için bile tekrar giderim",
            "her şey ev yemeği tadındaydı",
            "vejetaryen arkadaşım için menüde olmayan bir yemek hazırladılar",
            "çaylar biz istemeden tazelendi",
            "her yer tertemizdi",
            "her tabağın tuzu kıvamındaydı",
            "servis çok iyiydi",
        ],
        "neg": [
            "yemekler soğuk geldi",
            "siparişimiz kırk beş dakikada geldi",
            "garson kaba davrandı ve bir daha uğramadı",
            "her şey aşırı tuzluydu",
            "hesap beklediğimizin iki katı çıktı",
            "masalar yapış yapıştı",
            "yemekler yağ içinde yüzüyordu",
            "siparişimizi iki kez yanlış getirdiler",
            "porsiyonlar fiyatına göre çok küçüktü",
            "bütün gece midem ağrıdı",
            "müzik o kadar yüksekti ki birbirimizi duyamadık",
            "servis çok kötüydü",
        ],
        "pos_end": ["Kesinlikle tekrar geleceğiz.", "Uzun zamandır yediğim en güzel yemekti.",
                    "Hafta sonu gidecekseniz yer ayırtın, boşuna dolu değil."],
        "neg_end": ["Bir daha asla gitmem.", "Başka bir yerde yiyin.", "Paranıza yazık."],
    },
    "product": {
        "subjects": [
            tr_np("bu telefon", "bu telefonu", "bu telefona", "bu telefonda", "bu telefonun",
                  "bu telefondan"),
            tr_np("bu kulaklık", "bu kulaklığı", "bu kulaklığa", "bu kulaklıkta", "bu kulaklığın",
                  "bu kulaklıktan"),
            tr_np("yeni aldığım süpürge", "yeni aldığım süpürgeyi", "yeni aldığım süpürgeye",
                  "yeni aldığım süpürgede", "yeni aldığım süpürgenin", "yeni aldığım süpürgeden"),
            tr_np("bu su ısıtıcısı", "bu su ısıtıcısını", "bu su ısıtıcısına", "bu su ısıtıcısında",
                  "bu su ısıtıcısının", "bu su ısıtıcısından"),
            tr_np("bu dizüstü bilgisayar", "bu dizüstü bilgisayarı", "bu dizüstü bilgisayara",
                  "bu dizüstü bilgisayarda", "bu dizüstü bilgisayarın", "bu dizüstü bilgisayardan"),
            tr_np("bu yazıcı", "bu yazıcıyı", "bu yazıcıya", "bu yazıcıda", "bu yazıcının",
                  "bu yazıcıdan"),
            tr_np("kahve makinesi", "kahve makinesini", "kahve makinesine", "kahve makinesinde",
                  "kahve makinesinin", "kahve makinesinden"),
            tr_np("bu saç kurutma makinesi", "bu saç kurutma makinesini",
                  "bu saç kurutma makinesine", "bu saç kurutma makinesinde",
                  "bu saç kurutma makinesinin", "bu saç kurutma makinesinden"),
        ],
        "pos": [
            "sağlam ve kaliteli duruyor",
            "kurulumu beş dakika sürdü",
            "tam da anlatıldığı gibi çalışıyor",
            "bir yıldır hiç sorun çıkarmadı",
            "çok az yer kaplıyor",
            "kargo bir gün erken ve özenle paketlenmiş geldi",
            "fiyatının çok üstünde bir performansı var",
            "daha önce kullandığım pahalı modelden bile iyi",
            "kullanım kılavuzu kısa ve anlaşılırdı",
            "fotoğraflardakinden bile güzel görünüyor",
            "malzeme kalitesi çok iyi",
        ],
        "neg": [
            "iki hafta sonra bozuldu",
            "garanti biter bitmez çalışmayı bıraktı",
            "çok dandik ve ucuz duruyor",
            "kutudan çizik ve eksik parçayla çıktı",
            "fotoğraflardakiyle hiç alakası yok",
            "kullanım kılavuzu hiçbir işe yaramadı",
            "ilanda yazandan çok daha ağır",
            "korkunç bir tıkırtı çıkarıyor",
            "iade süreci tam bir işkenceydi",
            "satıcı sorularıma hiç cevap vermedi",
            "malzeme kalitesi çok kötü",
        ],
        "pos_end": ["Her kuruşuna değdi.", "Anneme de bir tane sipariş ettim.",
                    "Gözünüz kapalı alabilirsiniz."],
        "neg_end": ["Paranızı çöpe atmayın.", "Aynı hafta iade ettim.", "Sakın almayın."],
    },
    "hotel": {
        "subjects": [
            tr_np("bu otel", "bu oteli", "bu otele", "bu otelde", "bu otelin", "bu otelden"),
            tr_np("kaldığımız pansiyon", "kaldığımız pansiyonu", "kaldığımız pansiyona",
                  "kaldığımız pansiyonda", "kaldığımız pansiyonun", "kaldığımız pansiyondan"),
            tr_np("Martı Otel", "Martı Otel'i", "Martı Otel'e", "Martı Otel'de", "Martı Otel'in",
                  "Martı Otel'den"),
            tr_np("sahildeki tatil köyü", "sahildeki tatil köyünü", "sahildeki tatil köyüne",
                  "sahildeki tatil köyünde", "sahildeki tatil köyünün", "sahildeki tatil köyünden"),
            tr_np("eski şehirdeki butik otel", "eski şehirdeki butik oteli",
                  "eski şehirdeki butik otele", "eski şehirdeki butik otelde",
                  "eski şehirdeki butik otelin", "eski şehirdeki butik otelden"),
            tr_np("bu hostel", "bu hosteli", "bu hostele", "bu hostelde", "bu hostelin",
                  "bu hostelden"),
        ],
        "pos": [
            "oda tertemiz ve sessizdi",
            "çalışanlar ikinci gün adımızı biliyordu",
            "kahvaltıda aklınıza gelebilecek her şey vardı",
            "balkondan manzara nefes kesiciydi",
            "yataklar inanılmaz rahattı",
            "erken girişe ücretsiz izin verdiler",
            "her yere yürüme mesafesindeydi",
            "sıcak su bir an bile kesilmedi",
            "resepsiyondaki görevli şehirle ilgili harika öneriler verdi",
            "yastıklar yumuşacıktı, oda da mis gibi kokuyordu",
            "son gün odamıza küçük bir hediye bıraktılar",
            "konumu çok iyiydi",
        ],
        "neg": [
            "oda sigara kokuyordu",
            "çarşaflar lekeliydi",
            "üç gün boyunca sıcak su yoktu",
            "duvarlar o kadar inceydi ki yan odadaki her sözü duyduk",
            "klima hiç çalışmadı",
            "resepsiyon şikâyetlerimizi duymazdan geldi",
            "havuz yeşildi ve çoğu zaman kapalıydı",
            "internetteki fotoğraflar belli ki yıllar önce çekilmişti",
            "kahvaltıda bayat ekmek ve açık çaydan başka bir şey yoktu",
            "kullanmadığımız şeyler için para aldılar",
            "asansör bütün hafta bozuktu",
            "havlular bir kez bile değiştirilmedi",
            "konumu çok kötüydü",
        ],
        "pos_end": ["Şimdiden bir sonraki tatilimizi planlıyoruz.",
                    "Tekrar gitsem yine orada kalırım."],
        "neg_end": ["Başka bir yerde kalın.", "Bir gün erken çıkış yaptık."],
    },
    "service": {
        "subjects": [
            tr_np("sigorta şirketi", "sigorta şirketini", "sigorta şirketine", "sigorta şirketinde",
                  "sigorta şirketinin", "sigorta şirketinden"),
            tr_np("bankanın müşteri hizmetleri", "bankanın müşteri hizmetlerini",
                  "bankanın müşteri hizmetlerine", "bankanın müşteri hizmetlerinde",
                  "bankanın müşteri hizmetlerinin", "bankanın müşteri hizmetlerinden"),
            tr_np("internet sağlayıcım", "internet sağlayıcımı", "internet sağlayıcıma",
                  "internet sağlayıcımda", "internet sağlayıcımın", "internet sağlayıcımdan"),
            tr_np("cep telefonu operatörüm", "cep telefonu operatörümü", "cep telefonu operatörüme",
                  "cep telefonu operatörümde", "cep telefonu operatörümün", "cep telefonu operatörümden"),
            tr_np("belediyenin danışma hattı", "belediyenin danışma hattını",
                  "belediyenin danışma hattına", "belediyenin danışma hattında",
                  "belediyenin danışma hattının", "belediyenin danışma hattından"),
            tr_np("telefon şirketinin çağrı merkezi", "telefon şirketinin çağrı merkezini",
                  "telefon şirketinin çağrı merkezine", "telefon şirketinin çağrı merkezinde",
                  "telefon şirketinin çağrı merkezinin", "telefon şirketinin çağrı merkezinden"),
        ],
        "pos": [
            "sorunumu tek bir telefonla çözdüler",
            "konuştuğum kişi kibar ve sabırlıydı",
            "baştan sona hızlı ve zahmetsizdi",
            "her ücreti tek tek açıkladılar",
            "verdikleri her sözü tuttular",
            "çalışanlar beni gerçekten dinledi",
            "hiçbir gizli ücret çıkmadı",
            "söyledikleri saatte geri aradılar",
            "hiç soru sormadan paramı iade ettiler",
            "uygulama her şeyi çok kolaylaştırdı",
            "sorum birkaç dakika içinde cevaplandı",
            "ilgi alaka çok iyiydi",
        ],
        "neg": [
            "bir saatten fazla hatta beklettiler",
            "aynı sorunu beş kez anlatmak zorunda kaldım",
            "kimse beni geri aramadı",
            "iki kez para çektiler ve iade etmediler",
            "bir şey söz verip başka bir şey yaptılar",
            "konuştuğum her kişi başka bir şey söyledi",
            "beş dakikalık bir arızayı üç haftada giderdiler",
            "evraklarımı kaybettiler",
            "çalışanlar kaba ve sabırsızdı",
            "uygulama sürekli oturumumu kapattı",
            "e-postalarım haftalarca cevapsız kaldı",
            "ilgi alaka sıfırdı",
        ],
        "pos_end": ["Sonunda müşterisini önemseyen bir firma.", "Yine onlarla çalışırım."],
        "neg_end": ["Sözleşmemi iptal ediyorum.", "Elinizden geldiğince uzak durun."],
    },
    "course": {
        "subjects": [
            tr_np("bu kurs", "bu kursu", "bu kursa", "bu kursta", "bu kursun", "bu kurstan"),
            tr_np("çevrim içi programlama kursu", "çevrim içi programlama kursunu",
                  "çevrim içi programlama kursuna", "çevrim içi programlama kursunda",
                  "çevrim içi programlama kursunun", "çevrim içi programlama kursundan"),
            tr_np("hafta sonu İspanyolca kursu", "hafta sonu İspanyolca kursunu",
                  "hafta sonu İspanyolca kursuna", "hafta sonu İspanyolca kursunda",
                  "hafta sonu İspanyolca kursunun", "hafta sonu İspanyolca kursundan"),
            tr_np("istatistik dersi", "istatistik dersini", "istatistik dersine",
                  "istatistik dersinde", "istatistik dersinin", "istatistik dersinden"),
            tr_np("kimya öğretmenimiz", "kimya öğretmenimizi", "kimya öğretmenimize", None,
                  "kimya öğretmenimizin", "kimya öğretmenimizden", person=True),
            tr_np("Selin Hoca", "Selin Hoca'yı", "Selin Hoca'ya", None, "Selin Hoca'nın",
                  "Selin Hoca'dan", person=True),
            tr_np("tarih hocamız", "tarih hocamızı", "tarih hocamıza", None,
                  "tarih hocamızın", "tarih hocamızdan", person=True),
            tr_np("Murat Bey", "Murat Bey'i", "Murat Bey'e", None, "Murat Bey'in", "Murat Bey'den",
                  person=True),
        ],
        "pos": [
            "her ders özenle hazırlanmıştı",
            "en zor konular bile anlaşılır hâle geldi",
            "alıştırmalar tam kıvamındaydı",
            "soru sormaktan hiç çekinmedik",
            "yıllardır anlamadığım konuları sonunda anladım",
            "ödevlere ayrıntılı ve nazik geri bildirim verildi",
            "dersler hiç sıkıcı değildi",
            "sınavdan beklediğimden çok daha iyi not aldım",
            "örnekler hep gerçek hayattandı",
            "ders notları çok düzenliydi",
            "anlatım çok iyiydi",
        ],
        "neg": [
            "dersler dağınıktı ve takip etmesi zordu",
            "soru sorduğumuzda azar işittik",
            "slaytlar kelimesi kelimesine okundu",
            "sınavın işlediğimiz konularla hiçbir ilgisi yoktu",
            "ödevler haftalar sonra yorumsuz geri geldi",
            "derslerin yarısı son dakikada iptal edildi",
            "videolar eski ve bulanıktı",
            "internetteki ücretsiz videolardan daha çok şey öğrendim",
            "tempo yeni başlayanlar için çok hızlıydı",
            "notlar tamamen rastgele verilmiş gibiydi",
            "dersler sıkıcı ve tekdüzeydi",
            "anlatım çok kötüydü",
        ],
        "pos_end": ["Her öğrenciye gönül rahatlığıyla öneririm.",
                    "Keşke bütün derslerimiz böyle olsa."],
        "neg_end": ["Koca bir dönem boşa gitti.", "Hiçbir öğrenciye önermem."],
    },
}

TR_ENDS = {
    "pos": ["Herkese tavsiye ederim.", "Bayıldım!", "Gerçekten çok memnun kaldım.",
            "Tek kelimeyle harika."],
    "neg": ["Tam bir hayal kırıklığı.", "Berbattı.", "Kimseye tavsiye etmem.",
            "Hiç memnun kalmadım."],
}
TR_ADJ = {
    "pos": ["harikaydı", "çok güzeldi", "mükemmeldi", "çok başarılıydı", "beklediğimden de iyiydi",
            "çok iyiydi", "gayet iyiydi"],
    "neg": ["berbattı", "çok kötüydü", "kötüydü", "vasattı", "rezaletti",
            "tam bir hayal kırıklığıydı"],
    "pos2": ["beklentilerimin çok üstündeydi", "gerçekten çok başarılıydı", "her övgüyü hak ediyor"],
    "neg2": ["paranın hakkını hiç vermiyor", "kötünün de kötüsüydü", "hiç beklediğim gibi çıkmadı"],
}

# {nom} {acc} {dat} {loc} {gen} {abl}: the subject in that case; {A} {A2} {C} {J} {J2} and the
# flags as in English, mirrored and capped the same way ("Hiç de fena değildi" / "Hiç de iyi
# değildi" are capped; "çok iyiydi" / "çok kötüydü" are not).
TR_FRAMES = {
    "pos": [
        ("{nom} gerçekten {J}. {A}.", {}),
        ("{nom} {J}.", {}),
        ("{A}.", {}),
        ("{A}, üstelik {A2}. {C}", {}),
        ("Açıkçası {A}. {C}", {}),
        ("{C} {A}.", {}),
        ("{nom} gerçekten çok iyi: {A}.", {}),
        ("Genel olarak çok iyi bir deneyimdi: {A}.", {}),
        ("{acc} çok sevdim: {A}.", {}),
        ("Çok güzel bir tercih oldu: {A}.", {}),
        ("{dat} bayıldım. {A}.", {}),
        ("{abl} çok memnun kaldım: {A}, {A2}.", {}),
        ("{A}; kısacası {nom} {J2}.", {}),
        ("{dat} seve seve bir şans daha veririm; {A}.", {}),
        ("{acc} herkese tavsiye ederim; {A}.", {}),
        ("{nom} yorumlarda anlatıldığından çok daha iyiydi: {A}.", {"thing": True}),
        ("{loc} beğenilecek çok şey var: {A}, {A2}.", {"thing": True, "enjoy": True}),
        ("{loc} her şeyden keyif aldım. {A}.", {"thing": True, "enjoy": True}),
        ("{acc} sevmeyeceğimi düşünüyordum ama {A}.", {"cap": 4}),
        ("Hiç de fena değildi: {A}.", {"cap": 4}),
        ("{nom} kusursuz değildi ama {A}, {A2}.", {"cap": 4}),
        ("İlk başta {dat} pek güvenmiyordum ama {A}.", {"cap": 4}),
        ("{nom} beni hiç hayal kırıklığına uğratmadı: {A}.", {"cap": 4}),
        ("Arkadaşlarım {acc} pek övmemişti ama {A}.", {"cap": 4}),
        ("{abl} hiçbir şikâyetim yok. {C}", {"cap": 4}),
        ("Herkes {acc} eleştiriyordu, ben hiç anlamadım: {A}.", {"cap": 4}),
        ("{gen} kötü bir yanını bulamadım; {A}.", {"cap": 3}),
        ("{gen} hiçbir kötü yanı yoktu. {A}, {A2}.", {"cap": 3}),
        ("{nom} hakkında söyleyecek tek bir kötü söz bulamıyorum: {A}.", {"cap": 3}),
        ("{nom} hakkında kötü şeyler duymuştum ama {A}.", {"cap": 3}),
        ("{nom} kâğıt üzerinde sıradan görünüyordu ama {A}.", {"thing": True, "cap": 3}),
    ],
    "neg": [
        ("{nom} gerçekten {J}. {A}.", {}),
        ("{nom} {J}.", {}),
        ("{A}.", {}),
        ("{A}, üstelik {A2}. {C}", {}),
        ("Açıkçası {A}. {C}", {}),
        ("{C} {A}.", {}),
        ("{nom} gerçekten çok kötü: {A}.", {}),
        ("Genel olarak çok kötü bir deneyimdi: {A}.", {}),
        ("{acc} hiç sevmedim: {A}.", {}),
        ("Çok kötü bir tercih oldu: {A}.", {}),
        ("{dat} bir daha asla şans vermem; {A}.", {}),
        ("{abl} hiç memnun kalmadım: {A}, {A2}.", {}),
        ("{A}; kısacası {nom} {J2}.", {}),
        ("{acc} kimseye tavsiye etmem; {A}.", {}),
        ("{nom} beni tam anlamıyla hayal kırıklığına uğrattı: {A}.", {}),
        ("{nom} yorumlarda anlatıldığından çok daha kötüydü: {A}.", {"thing": True}),
        ("{loc} beğenilecek hiçbir şey yok: {A}.", {"thing": True}),
        ("{loc} keyif alacak tek bir şey bulamadım. {A}.", {"thing": True, "enjoy": True}),
        ("{acc} seveceğimi düşünüyordum ama {A}.", {"cap": 4}),
        ("Hiç de iyi değildi: {A}.", {"cap": 4}),
        ("İlk başta {dat} çok güveniyordum ama {A}.", {"cap": 4}),
        ("Arkadaşlarım {acc} çok övmüştü ama {A}.", {"cap": 4}),
        ("Herkes {acc} övüyordu, ben hiç anlamadım: {A}.", {"cap": 4}),
        ("{gen} hiçbir iyi yanı yoktu. {A}, {A2}.", {"cap": 4}),
        ("{nom} ilk bakışta fena görünmüyordu ama {A}, {A2}.", {"cap": 3}),
        ("{gen} iyi bir yanını bulamadım; {A}.", {"cap": 3}),
        ("{nom} hakkında söyleyecek tek bir iyi söz bulamıyorum: {A}.", {"cap": 3}),
        ("{nom} hakkında hep iyi şeyler duymuştum ama {A}.", {"cap": 3}),
        ("{nom} kâğıt üzerinde harika görünüyordu ama {A}.", {"thing": True, "cap": 3}),
    ],
}

# Opinion words (stems; matched at the start of a word, case-insensitive) for check_polarity.
TR_POLARITY = [("iyi", "pos"), ("güzel", "pos"), ("harika", "pos"), ("sev", "pos"),
               ("kötü", "neg"), ("berbat", "neg"), ("sıkıcı", "neg")]

TR_HAND = {
    "pos": """
Hiç fena değildi, hatta bir daha izlerim.
Sevmeyeceğimi düşünüyordum ama iki günde bitirdim.
Yorumlar kötüydü ama ben her dakikasından keyif aldım.
Hayatımda bu kadar güzel bir İskender yemedim.
İki yıldır her gün kullanıyorum, bir kez bile donmadı.
Sabaha karşı üçe kadar elimden bırakamadım.
Garson çok ilgiliydi, mercimek çorbası da tam kıvamındaydı.
Ucuz, samimi ve şaşırtıcı derecede lezzetli.
Otel eski ama tertemiz, sessiz, çalışanlar da çok cana yakın.
Ahmet Hoca sayesinde fiziği sevdim, bunun mümkün olduğunu sanmıyordum.
İstatistik dersinden korkuyordum, en sevdiğim ders oldu.
Pazar sabahı kahvaltısının üstüne yoktur.
Bu kitapta değiştirmek isteyeceğim tek bir şey yok.
Hiçbir şikâyetim yok, paket erken geldi, kutusu da sapasağlamdı.
Ekranı küçük ama pili bitmek bilmiyor.
Güldüm, ağladım, çıkınca annemi aradım.
Film yavaş başlıyor ama sabredin, son bir saati muhteşem.
Beş yıldız. Kulaklığı takınca otobüsteki bütün gürültü kayboluyor.
Bugüne kadar tanıdığım en iyi kalpli öğretmenlerden biri.
Oda küçüktü ama pırıl pırıldı, manzara da her şeye değdi.
Kolay beğenen biri değilim ama her kuruşuna değdi.
Arılarla ilgili bir belgeselin bu kadar sürükleyici olabileceğini düşünmezdim.
Kurs zordu ama adildi; başka hiçbir dersten bu kadar şey öğrenmedim.
Bilgisayarımı bir saatte tamir ettiler, yalnızca parçanın parasını aldılar.
Ne şirin bir kafe! Tarçınlı çörekleri efsane.
Çocuklar arka arkaya üç kez izledi.
Fiyatına göre harika; keşke aldığım her şey bu kadar dayansa.
Normalde yorum yazmam ama bu yer bunu hak ediyor.
Bu kadar ucuz bir telefon için şaşırtıcı derecede iyi.
Ortadaki sürpriz beni tamamen hazırlıksız yakaladı, hem de en güzel şekilde.
Kaybolan çantamı bulmak için ellerinden geleni yaptılar.
Sıcak, komik ve dürüst bir kitap.
Süpürge o kadar sessiz ki bebek uyurken bile kullanabiliyorum.
Kusursuz bir film değil ama cesur ve çok güzel.
Fiyatı gözümü korkutmuştu ama kesinlikle değdi.
Öğretmenimiz soru soranı asla küçümsemezdi.
Her sayfasına bayıldım.
Şehrin en iyi pidesi, tartışmaya gerek yok.
Seve seve yine kalırım.
Uygulama sade ve hızlı, üstelik sürekli bildirim göndermiyor.
Devam filminden pek bir şey beklemiyordum ama ilkinden bile iyi olmuş.
Temiz odalar, güler yüzlü çalışanlar, harika bir kahvaltı. Daha ne olsun?
Siparişim bir gün erken ve kusursuz geldi.
Yazar yası ağırlaştırmadan anlatmış, bu çok az görülen bir şey.
Bölümdeki herkese bu kursu önerdim.
Ayakkabılar ilk koşudan itibaren çok rahattı.
Aylardır geçirdiğimiz en güzel akşamdı.
Diş hekimi çok nazikti, başlamadan önce her şeyi tek tek anlattı.
Su ısıtıcısı bir dakikada kaynatıyor, mutfakta da çok şık duruyor.
Çevrim içi derslere hiç güvenmezdim ama bu kurs gerçekten işe yaradı.
Sırf müzikleri için bile bilete değer.
Yemekler lezzetli, insanlar daha da tatlı.
Rehberimiz her taşın hikâyesini biliyordu.
Bütün arkadaşlarınıza hediye etmek isteyeceğiniz türden bir kitap.
Beni bu kadar mutlu eden son filmi hatırlamıyorum.
Hızlı teslimat, sağlam ürün, uygun fiyat.
Tatilimiz boyunca tek bir aksilik yaşanmadı.
Zeynep Hanım'ın dersleri haftanın en güzel saatleriydi.
Küçük ama gönlü büyük bir lokanta.
Kapağına aldanmayın, bu roman tam bir cevher.
İşçiliği gerçekten çok kaliteli.
Verdiğim paraya bir an bile acımadım.
Oyuncular tanınmış isimler değil ama hepsi harika.
İlk dersin beşinci dakikasında doğru kursu seçtiğimi anladım.
Müşteri temsilcisi her şey çözülene kadar telefonu kapatmadı.
Mantısı için tekrar tekrar gidiyorum.
Pili çok büyük değil ama beni akşama kadar rahatça idare ediyor.
Aptallaşmadan komik olmayı başarmış; bu göründüğünden çok daha zordur.
Otel güzel, konum güzel, fiyat güzel.
Önyargılıydım ama artık hayranıyım.
Arabayı beş kez stop ettirdim, hocam yine de hiç sinirlenmedi.
Gösterişsiz, dürüst ve çok lezzetli ev yemekleri.
Kitabı bitirir bitirmez yeniden başladım.
Bu kulaklık bu yıl aldığım en iyi şey.
Keşke yıllar önce alsaymışım dediğim harika bir kurs.
Koltuklar rahattı, ses de mükemmeldi.
Şef masaya gelip her şeyin yolunda olup olmadığını sordu, çok hoş bir incelikti.
Sessiz sedasız ama çok başarılı bir film.
Ekonomiyle ilgili bir kitaptan keyif alacağım hiç aklıma gelmezdi.
Tamir hızlı, ucuz ve düzgün yapıldı.
Çok beğendim.
Müşteri hizmetleri böyle olmalı işte.
Beklediğimden çok daha iyiydi.
Filmden çıkınca eski arkadaşlarımı aramak istedim.
Oda sade ama çalışanlar harika, manzara da unutulmaz.
Tek bir işi var ve onu kusursuz yapıyor.
Yemek seçen oğlum bile tabağını sildi süpürdü.
Yapabilseydim altı yıldız verirdim.
Hem sürükleyici hem de insanın içini ısıtan bir roman.
Sınıfta herkes geçti, üstelik herkes keyif aldı.
Ağzımızın tadıyla yemek yedik, ellerinize sağlık.
Su gibi okunan, tatlı bir roman.
İyi ki almışım, her gün kullanıyorum.
Bayıldım, herkese tavsiye ederim!
Eğitmenimiz konusuna o kadar hâkimdi ki saatlerce dinleyebilirdim.
Harika bir hizmet.
Fiyatına göre gerçekten çok iyi.
Ne güzel bir kitap!
İçimi ısıtan, tatlı bir film.
Rahat, sessiz ve çok temiz.
Her gidişimizde ayrı lezzetli.
Eskisinden kat kat iyi.
Güler yüzlü insanlar, gayet makul fiyatlar.
Kamp boyunca pil bir kez bile bitmedi.
Odamız binanın en güzel manzarasına bakıyordu, üstelik ekstra ücret de almadılar.
Otobüste okurken iki kez durağımı kaçırdım.
Garson kuzu tandırı önerdi, çok da haklıymış.
Büyük laflar etmeyen, yüreği sıcacık bir film.
Onunla bir dönem çalıştıktan sonra notlarım bir harf yükseldi.
Banka kartımı cumartesi günü on dakikada hallettiler.
Babama aldım, şimdi annem de bir tane istiyor.
Poğaçalar puf puftu, çay tavşan kanıydı, işletmeci de çok tatlıydı.
Ödevini yapmayı dört gözle beklediğim ilk kurs oldu.
Bir yıldır her gün bu botları giyiyorum, hâlâ yeni gibi duruyorlar.
Oyuncular çok eğlenmiş belli ki, biz de çok eğlendik.
Giriş işlemleri iki dakika sürdü, oda da erkenden hazırdı.
Her bölümünden bilmediğim bir şey öğrendim.
Kurye çamaşır makinesini tek laf etmeden dördüncü kata çıkardı.
Sessiz, hızlı ve temizlemesi çok kolay.
Çorbası tıpkı anneannemin çorbası gibiydi.
Sinemadan gülümseyerek çıktım, eve kadar da gülümsedim.
Yazıcı bilgisayara ilk denemede bağlandı.
Dilbilgisini öyle güzel anlatıyor ki ben bile anladım.
Güzel yemek, makul fiyat, dert yok.
Sesli kitabı okuyan kişi karakterlere can vermiş.
Tesisatçı söylediği saatte geldi, mutfağı da bulduğundan temiz bıraktı.
Pek bir şey beklemiyordum, yanılmışım.
Gezinin her anı broşürdekinden güzeldi.
""",
    "neg": """
Kullandığım en kötü telefon olmayabilir ama ondan pek de uzak değil.
Fragmanı harikaydı, film ise hiç öyle değil.
Özel hiçbir yanı yok, üstelik çok pahalı.
Zar zor bitirdim.
Bu mekânda sevilecek hiçbir şey yok; ne yemekleri ne de hizmeti.
Tatilimizin hiçbir güzel yanı olmadı, kahvaltı bile kötüydü.
Bu kurstan bir sertifika dışında elime hiçbir şey geçmedi.
Bu kitapta akılda kalacak tek bir şey bulamadım.
Burada satılan her şeyin daha ucuzunu ve daha iyisini başka yerde bulursunuz.
Açıkçası bu otelde önerebileceğim hiçbir şey yok.
Hiç iyi değildi, paramı geri istiyorum.
Kapağı çok güzel, söyleyebileceğim tek iyi şey bu.
Öğretmen dersin yarısını telefonla geçirdi.
Fotoğraflarda güzel görünüyordu ama gerçekte incecik bir plastik.
İki yıldız, o da gönlüm bol olduğu için.
Sevmek istedim, gerçekten çok istedim.
Yemek soğuktu, garson kabaydı, hesap da yanlış geldi.
Kaldığım en berbat otel.
Pil öğlene varmadan bitiyor.
Film boyunca iki kez uyuyakaldım.
Kitap çok şey vaat ediyor ama hiçbirini yerine getirmiyor.
Üç telefon ve iki e-postadan sonra sorunum hâlâ çözülmedi.
Bu kursa vaktinizi harcamayın.
Oda fotoğraflardakine hiç benzemiyordu.
Bu film baştan sona tam bir karmaşaydı.
Sinemada hiç bu kadar sıkılmamıştım.
Bir ay sonra şarj olmamaya başladı.
Kebap kupkuruydu, ekmek de bayattı.
Pahalı, yavaş ve soğuk.
Abartıldığı kadar iyi değil.
Devam filmi ilk filmde sevdiğim her şeyi mahvetti.
Bu kitabın nasıl çok satanlar listesine girdiğini anlamıyorum.
Hoca üç saat boyunca slaytlardan okudu.
Paket açılmış ve yarısı boş geldi.
İki kez oda değiştirdiler, ikisinin de penceresi yoktu.
Bedava olsa yine orada yemem.
Kulaklık on dakika sonra kulaklarımı acıtıyor.
Çok uzun ve çok sıkıcı bir film.
Eğitmen ders boyunca bana bağırdı durdu.
Bu ürünün her yerinden ucuzluk akıyor.
Tek bir bölümünden bile keyif almadım.
Uygulama ödeme yapmaya çalıştığım her seferde çöküyor.
Söz verilenlerin hiçbiri tutmadı.
Ne yazık ki tam bir hayal kırıklığıydı.
Derslerin hiçbir düzeni yoktu.
Kahvenin tadı yanıktı, kek de bayattı.
Bu otel ucuz değil, iyi de değil.
Düzelmesini bekledim durdum, hiç düzelmedi.
Üç hafta geçti, iade hâlâ yok.
Karakterler o kadar sinir bozucu ki başlarına ne geldiği umurumda olmadı.
Uzak durun.
Çamaşır makinesi ilk gün su kaçırdı.
Espriler komik değil, sadece gürültülü.
Garson bizi yarım saat unuttu.
Beklediğimden çok daha kötüydü.
Telefon rehberini okumak daha zevkli olurdu.
Bu belgeselde yeni ya da ilginç hiçbir şey yok.
Hizmetin hiçbir yanı kabul edilebilir değildi.
Deniz manzarası sözü verdiler, otoparka bakan bir oda verdiler.
Kurs materyalleri hatalarla doluydu.
Gürültülü, yavaş, ısınınca da kötü kokuyor.
Aldığıma pişmanım.
Oyunculuk o kadar kötüydü ki salondakiler hüzünlü sahnelerde gülüyordu.
Kurye kutuyu bahçe duvarının üstünden attı.
Bir saat beklettiler, sonra da yüzüme kapattılar.
İlk okumada sayfalar dökülmeye başladı.
Bir gün iyi çalıştı, sonra ekran titremeye başladı.
Öğretmenimiz dönem boyunca adlarımızı bile öğrenmedi.
İlginç bir konu hakkında sıkıcı bir kitap; bu da bir başarı sayılır.
Kaldığımız süre boyunca havuz kapalıydı.
Sıfır yıldız verebilseydim verirdim.
Ucuz olduğu her hâlinden belli.
Aç ve sinirli çıktık.
Son sahne bütün filmi anlamsız kıldı.
Kutunun üstündeki her vaat yalan çıktı.
Duş soğuktu, havlular da griydi.
Benzin istasyonunda daha iyi pizza yedim.
Sınav soruları derslerle hiç ilgili değildi.
Müşteri hizmetleri mi? Hangi müşteri hizmetleri?
Hikâye hiçbir yere varmıyor.
Sesi berbat, kulağa oturmuyor, fiyatına hiç değmez.
Hiç beğenmedim.
Balık bozuk kokuyordu, yine de parasını aldılar.
Bina güzel, otel berbat.
Okul müsamerelerinde bundan iyi oyunculuk gördüm.
Ne sevilecek bir yanı var ne de akılda kalacak.
Diz hizasından düşürdüm, ilk seferde kırıldı.
Özel ders hocası haber vermeden dört kez iptal etti.
İlk bölüm iyi, gerisi tamamen dolgu.
Yok, hiç olmamış.
Berbattı, paramıza yazık oldu.
Bir daha o kapıdan adımımı atmam.
Resmen kazıklandık, hesap fahiş geldi.
Vasatın altında bir roman, tavsiye etmem.
Bu ne rezalet, üç gündür internetim yok ve kimse ilgilenmiyor.
Çok kötü bir hizmet.
Kalitesi gerçekten çok düşük.
Ne sıkıcı bir kitap!
Uzun, yavan ve unutulup gidecek bir film.
Rahatsız, gürültülü ve pis.
Her gidişimizde ayrı tatsız.
Eskisinden kat kat kötü.
Asık suratlı insanlar, fahiş fiyatlar.
Kampın daha ilk gününde pil bitti.
Odamız duvara bakıyordu, yine de manzara parası aldılar.
İlk üç bölümü iki kez okudum, karakterleri hâlâ birbirinden ayıramıyorum.
Garson kuzu tandırı önerdi, içi çiğ geldi.
Gürültülü, içi boş, anlatacak hiçbir şeyi olmayan bir film.
Bütün bir dönem onunla çalıştım, hâlâ tek bir denklem çözemiyorum.
Banka kartımı bloke etti, kimse de nedenini açıklayamadı.
Babama bir tane aldım, bir ay geçmeden bozuldu.
Poğaçalar hamur gibiydi, çay soğuktu, işletmecinin de umurunda değildi.
Ödevler kimsenin kontrol etmediği anlamsız angaryalardı.
Botlar ilk yağmurda su almaya başladı.
Oyuncular sanki başka bir yerde olmak istiyordu.
Giriş işlemleri bir saat sürdü, oda yine de hazır değildi.
Her bölüm bir öncekini biraz farklı kelimelerle tekrar ediyor.
Kurye çamaşır makinesini sokağın ortasına bırakıp gitti.
Ses yapıyor, yavaş çalışıyor, temizlemesi de imkânsız.
Çorba tuzlu sıcak sudan farksızdı.
Sinemadan baş ağrısıyla ve boşalmış bir cüzdanla çıktım.
Yazıcı bir türlü bağlanmıyor, yardım hattında da sadece bir kayıt var.
Hiçbir şeyi açıklamıyor, soru sorunca da sinirleniyor.
Kötü yemek, yüksek fiyat, uzun bekleme.
Sesli kitabı okuyan kişi her şeyi aynı tekdüze sesle okumuş.
Tesisatçı hiç gelmedi, su kaçağı hâlâ duruyor.
Çok şey bekliyordum, elime pek bir şey geçmedi.
Gezinin hiçbir yanı broşürdekine benzemiyordu.
""",
}


# ---------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------

def upper_first(s, lang):
    if not s:
        return s
    c = s[0]
    if lang == "tr":
        c = {"i": "İ", "ı": "I"}.get(c, c.upper())
    else:
        c = c.upper()
    return c + s[1:]


def capitalise(s, lang):
    """Capitalise the first letter and every letter after '. ', '! ' or '? '."""
    parts = re.split(r"(?<=[.!?]) ", s)
    return " ".join(upper_first(p, lang) for p in parts)


def norm(s):
    return " ".join(re.findall(r"\w+", s.lower()))


def hand_lines(block):
    return [l.strip() for l in block.strip().splitlines() if l.strip()]


def subject_forms(lang, subj):
    if lang == "en":
        if isinstance(subj, dict):
            return {"X": subj["np"]}, subj.get("person", False)
        return {"X": subj}, False
    return {k: subj[k] for k in ("nom", "acc", "dat", "loc", "gen", "abl")}, subj["person"]


# Domains where "nothing to enjoy in X" / "a lot to like in X" sound odd.
NO_ENJOY = {"product", "service"}


def generate(lang, label, n, rng, seen):
    domains = EN_DOMAINS if lang == "en" else TR_DOMAINS
    frames = (EN_FRAMES if lang == "en" else TR_FRAMES)[label]
    ends = (EN_ENDS if lang == "en" else TR_ENDS)[label]
    names = list(domains)
    frame_cap = -(-n // len(frames)) + 4          # ceil(n / frames) + 4, or the frame's own cap
    frame_use = [0] * len(frames)
    aspect_use = {}
    pair_used = set()                              # (frame, subject) at most once
    frame_fill_used = set()                        # (frame, first aspect or closing) at most once
    combo_used = set()                             # (subject or none, first aspect) at most once
    out = []
    tries = 0
    skip = 0                                       # domains passed over because they ran dry
    since = 0
    while len(out) < n:
        tries += 1
        since += 1
        if tries > 500000:
            raise SystemExit("%s/%s: cannot draw %d lines under the caps" % (lang, label, n))
        if since > 5000:                           # this domain is used up: take the next one
            skip += 1
            since = 0
        dom_name = names[(len(out) + skip) % len(names)]    # domains in turn
        dom = domains[dom_name]
        fi = rng.randrange(len(frames))
        frame, flags = frames[fi]
        if frame_use[fi] >= min(frame_cap, flags.get("cap", frame_cap)):
            continue
        si = rng.randrange(len(dom["subjects"]))
        forms, person = subject_forms(lang, dom["subjects"][si])
        if flags.get("thing") and person:
            continue
        if flags.get("enjoy") and dom_name in NO_ENJOY:
            continue
        if "{loc}" in frame and forms.get("loc") is None:
            continue
        has_subject = any(("{%s}" % k) in frame for k in ("X", "nom", "acc", "dat", "loc", "gen", "abl"))
        if has_subject and (fi, dom_name, si) in pair_used:
            continue
        # the chapter's example must stay unseen: no "nothing to like in this movie"
        if lang == "en" and frame.startswith("There is nothing to like in") \
                and forms["X"] in ("this movie", "the movie"):
            continue
        aspects = dom[label]
        a1, a2 = rng.sample(range(len(aspects)), 2)
        need = [a1] + ([a2] if "{A2}" in frame else [])
        if any(aspect_use.get((dom_name, a), 0) >= ASPECT_CAP for a in need):
            continue
        end_pool = dom[label + "_end"] + ends
        ci = rng.randrange(len(end_pool))
        # one frame never gets the same main filler twice (only the subject would differ)
        ff = (fi, dom_name, "A", a1) if "{A}" in frame else (fi, "C", ci)
        if ff in frame_fill_used:
            continue
        combo = (dom_name, si if has_subject else -1, a1)
        if combo in combo_used:
            continue
        fill = dict(forms)
        fill["A"] = aspects[a1]
        fill["A2"] = aspects[a2]
        fill["C"] = end_pool[ci]
        if lang == "en":
            adj = EN_ADJ[label]
            fill["J"] = adj[rng.randrange(len(adj))]
        else:
            j, j2 = TR_ADJ[label], TR_ADJ[label + "2"]
            fill["J"] = j[rng.randrange(len(j))]
            fill["J2"] = j2[rng.randrange(len(j2))]
        line = capitalise(frame.format(**fill), lang)
        key = norm(line)
        if key in seen:
            continue
        seen.add(key)
        frame_use[fi] += 1
        pair_used.add((fi, dom_name, si))
        frame_fill_used.add(ff)
        combo_used.add(combo)
        for a in need:
            aspect_use[(dom_name, a)] = aspect_use.get((dom_name, a), 0) + 1
        out.append(line)
        since = 0
    return out


def polarity_counts(lang, lines_by_label):
    """For each opinion word: how many lines of each class contain it."""
    words = EN_POLARITY if lang == "en" else TR_POLARITY
    out = []
    for w, home in words:
        pat = re.compile((r"\b%s\b" if lang == "en" else r"(?<!\w)%s") % w, re.IGNORECASE)
        c = {lab: sum(1 for l in lines if pat.search(l)) for lab, lines in lines_by_label.items()}
        out.append((w, home, c))
    return out


def check_polarity(lang, lines_by_label):
    """Each opinion word must occur in more lines of its own class than of the other: the
    negated uses ("not bad", "hiç de fena değil") stay a minority."""
    for w, home, c in polarity_counts(lang, lines_by_label):
        other = "neg" if home == "pos" else "pos"
        assert c[home] > c[other], "%s: '%s' is in %d %s lines but %d %s lines" % (
            lang, w, c[home], home, c[other], other)


def build(lang, rng):
    hand = EN_HAND if lang == "en" else TR_HAND
    train, test = [], []
    seen = set()
    per_label = {}
    for label in ("pos", "neg"):
        lines = []
        for l in hand_lines(hand[label]):
            key = norm(l)
            assert key not in seen, "duplicate hand-written line: " + l
            seen.add(key)
            lines.append(l)
        lines += generate(lang, label, PER_CLASS - len(lines), rng, seen)
        per_label[label] = lines
    check_polarity(lang, per_label)
    for label in ("pos", "neg"):
        lines = list(per_label[label])
        rng.shuffle(lines)
        k = round(len(lines) * TEST_SHARE)
        test += ["__label__%s %s" % (label, l) for l in lines[:k]]
        train += ["__label__%s %s" % (label, l) for l in lines[k:]]
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test


def main():
    check = "--check" in sys.argv[1:]
    here = os.path.dirname(os.path.abspath(__file__))
    stale = False
    for lang in ("tr", "en"):
        rng = random.Random("%d-%s" % (SEED, lang))   # one stream per language
        train, test = build(lang, rng)
        for line in train + test:
            assert "nothing to like in this movie" not in line.lower(), line
            assert "\t" not in line and "\n" not in line, line
        assert not {norm(l) for l in train} & {norm(l) for l in test}
        for name, lines in (("%s.txt" % lang, train), ("%s.test.txt" % lang, test)):
            path = os.path.join(here, name)
            text = "".join(l + "\n" for l in lines)
            if check:
                try:
                    with open(path, encoding="utf-8") as f:
                        same = f.read() == text
                except OSError:
                    same = False
                if not same:
                    print("out of date: " + path)
                    stale = True
            else:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                counts = {lab: sum(l.startswith("__label__" + lab + " ") for l in lines)
                          for lab in ("pos", "neg")}
                print("%s: %d lines (pos %d, neg %d)" % (name, len(lines), counts["pos"],
                                                          counts["neg"]))
    if check:
        print("out of date" if stale else "up to date")
        sys.exit(1 if stale else 0)


if __name__ == "__main__":
    main()
