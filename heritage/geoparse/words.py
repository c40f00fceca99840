"""English words that are also the names of places, which the gazetteer treats with care.

Many GeoNames places bear the name of an English word ("Of", "May", "Police", "Homes", "Bar",
"Hit"). The gazetteer's rules (:mod:`heritage.geoparse.name_index`) use these two lists,
written from general knowledge of English and checked against the matches found in English
news and conflict-event narratives. Words are folded (:func:`heritage.geoparse.names.fold_name`):
lower case, no apostrophes.
"""

__all__ = ["COMMON_WORDS", "STOP_WORDS"]

# Never a place by itself unless curated (a site, an alias, a country, a region): function words
# and contractions ("I've" folds to "ive"), numbers, months, weekdays, titles, and nouns that
# are capitalised inside names of people, organisations and events ("Foreign Minister",
# "County Hospital", "Drug Enforcement", "Arab Spring", "Mark Smith").
STOP_WORDS = frozenset(
    (
        "a about above academy across affairs after afternoon afterwards again against agency "
        "ago agriculture aint air airport all alliance almost alone along already also although "
        "always am ambassador among amongst an and another any anyone anything anywhere april "
        "arab arabs are arent army around as assembly at august authority avenue away back bank "
        "base battalion bay be beach became because become been before behind being below "
        "beside besides between beyond big bill billion bishop both boulevard bridge brigade "
        "brother bureau but by camp can cannot cant cape captain cathedral catholic center "
        "central centre chairman chamber chapel chief christian christians christmas church "
        "city clinic coalition college colonel commander commerce commission commissioner "
        "committee company congress corporation corps could couldnt council councillor "
        "councilman county court daesh day days december defence defense department deputy "
        "development did didnt director district division do doctor does doesnt doing done dont "
        "down dozen drew drug during each east easter eastern education eid eight eighteen "
        "eighth eighty either eleven else elsewhere emergency emir emperor empire enforcement "
        "enough environment envoy even evening ever every everyone everything faith father "
        "february federal federation few fifteen fifth fifty finance first five for force "
        "forces foreign former fort forty four fourteen fourth frank friday from front further "
        "gate general god government governor grace grand grant great greater guard had hadnt "
        "half hall hamas harbor harbour has hasnt have havent having he health hence her here "
        "hers herself hezbollah hill him himself his hope hospital how however human hundred i "
        "id if ill im imam in indeed institute interior international into is isil isis islam "
        "islamic island isnt it its itself ive january jewish joy judge july june just justice "
        "king kingdom lady lake lane last leader league least less let library lieutenant like "
        "little lord lower madam major many march mark market may mayor me meanwhile metro "
        "middle might militia million mine minister ministry mister monday month months more "
        "moreover morning mosque most mostly mount mountain movement much museum muslim muslims "
        "must my national nato navy near nearly neither never nevertheless new next night nine "
        "nineteen ninety ninth no nobody none nor north northeast northern northwest not "
        "nothing november now nowhere october of off office officer often old olympic olympics "
        "on once one only onto or other others otherwise our ours out over own park parliament "
        "party passover pat per perhaps please point police pope port president prime prince "
        "princess professor protection province queen quite ramadan rather ray really regiment "
        "region republic resources river road rob rose same saturday school second secretary "
        "security senate senator september sergeant services seven seventeen seventh seventy "
        "several shall shaykh she sheikh shia should shouldnt since sir sister six sixteen "
        "sixth sixty so some somehow someone something sometimes somewhere south southeast "
        "southern southwest spokesman spring square state states station still street such sue "
        "sultan sunday sunni taliban temple ten tenth than that the their them themselves then "
        "there thereby therefore these they theyd theyll theyre theyve third thirteen thirty "
        "this those though thousand three through throughout thursday thus till to today "
        "together tomorrow tonight too toward towards tower town transport tuesday twelve "
        "twenty two under unesco union university unless until up upon upper us valley very via "
        "vice village was wasnt we wed wednesday week weeks well were werent west western weve "
        "what whatever when whenever where whereas wherever whether which while who whoever "
        "whole whom whose why will with within without wont would wouldnt year years yes "
        "yesterday yet you youd youll your youre yours youve zero "
    ).split()
)

# Frequent English words that are also the names of places: a place only when written in title
# case and, for GeoNames places, not at the start of a sentence ("Hit was retaken" is missed;
# "forces entered Hit" is found).
COMMON_WORDS = frozenset(
    (
        "accord acre add advance ambush angel area areas arena arrest art artillery ash ask "
        "assumption attack autumn axis bad bag bail ball ban banana band bang bar basic battle "
        "bed bee beer began belt best black blessing blue boil bomb bond bone book boom border "
        "box brain branch bright broke brown brush buffalo bullet burden burns bus bust busy "
        "buy cab cactus cafe came canal carbon care cargo carry cash casino cast castle caves "
        "celebration cell century chair champion chance change charge chase checkpoint child "
        "children china choir cite civilians clash coal colony coma come comfort commonwealth "
        "competition concrete conservation constitution contest convoy cook cool cope corn "
        "countryside course creek culture cut cuts dam date dawn dead deal deep deer delta "
        "discovery dollar downs downtown drain drama driver drone drugs dry dual due dug ear "
        "early earth echo economy elk energy engineer enter era exchange eye fall family "
        "farmers fate fell fighters fire fleet forest fountain freedom friend gaming gang gap "
        "garden gas gates gateway gay give glad globe gold got gray green grenade guns guy hail "
        "hammer happy hat haven hazard heard heritage highways hills hire hit hole holiday home "
        "homeland homes honey hood hop hot hour house houses hurricane hurt industry iron job "
        "junction junior jury key keys lab labor landing late law lawn lay lead lean level "
        "liberal liberation lie limit line list lock log long look loose loss lot loyal luck "
        "mad made mall man manage mansion marathon marine marrow marshal means media men mercy "
        "mere mess met metal mid mind mining minor mission mobile model modern moon mound mud "
        "name naval nearest needle nest net nice oil opportunity opposition oral orange outlook "
        "ox pace page paint panic paper parent parks parole passage pavilion pay peace pen "
        "people person pet phone pies pile pill pin pink plan plans plaque plate plaza plenty "
        "plot plus polish poll polling pond pool possession post pound pre price principal "
        "proven purchase put race raid rail rain rake rand random ranger rapid reading real "
        "rebel rebels record recovery red reform regime rehab rein research reserve reservoir "
        "rest retreat rice rich ride riding rifle rig rise rivers rock rodent rodeo root row "
        "royal rue rule run rush rust said sale sales salmon salt samples sand sauce save say "
        "sea section sector see seem seen send sent sentinel set settle shape share shell "
        "shepherd shore shot side siege silos ski slaughter slide smile sniper snow sober "
        "soldiers song sort soy spike split spray stall star start steps stock stone store "
        "story strike strong success summer summit surprise surrender swan sweet switch tall "
        "tan tank tell terminal time tire ton tone tool tour trail train transit tree trial "
        "triangle trio trooper troops tsunami turkey turn unity van veteran victory vote wake "
        "walk walls war ward warden waterways watt wave ways weir welcome wells white wing "
        "winner winter woman women worth yoga young zone zoo "
    ).split()
)
