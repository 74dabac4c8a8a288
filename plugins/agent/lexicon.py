"""Word lists the rule-based extractor reads: which nouns name story entities, and what they imply.

Lists are plain whitespace-separated strings so that adding a word is a one-word change. Every
noun is stored in its singular, lower-case form; `singular()` maps the text's word onto it.
Categories of person nouns matter for matching: an occupation ("chef") is a distinct role, a
generic noun ("woman") or an epithet ("the protagonist") can be any compatible person.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --------------------------------------------------------------------------------------- people
#: nouns that say only who a person is in general terms; they fit any person of matching gender/age
GENERIC_PERSON = _words("""
    person man woman boy girl child kid lady gentleman guy gal fellow teenager teen adolescent youth
    toddler baby infant adult human individual figure someone somebody schoolboy schoolgirl lad lass
    youngster senior elder oldster newborn tot
""")

#: relation nouns: compatible with any occupation, distinct from each other (a mother is not a daughter)
KINSHIP = _words("""
    mother father mom mum mommy mummy dad daddy parent son daughter brother sister sibling twin
    grandfather grandmother grandpa grandma granny grandparent grandson granddaughter grandchild
    uncle aunt auntie nephew niece cousin husband wife fiance fiancee bride groom girlfriend boyfriend
    stepmother stepfather stepson stepdaughter godmother godfather
""")

#: epithets usable for any character of a compatible type ("the protagonist", "their visitor")
EPITHET_ANY = _words("""
    protagonist hero heroine stranger newcomer visitor companion friend pal buddy partner guest host
    guardian protector sentinel intruder rescuer savior saviour acquaintance ally rival opponent
    adversary enemy foe champion
""")

#: epithets for people only
EPITHET_PERSON = _words("""
    legend master expert veteran pro professional mentor elder amateur genius
    prodigy celebrity owner member neighbor neighbour colleague coworker co-worker onlooker
    bystander passerby spectator
""")

#: epithets for animals and creatures ("the animal", "the strange beast")
EPITHET_BEAST = _words("""
    animal creature beast critter pet mammal reptile amphibian predator prey wildlife
""")

OCCUPATION = _words("""
    actor actress acrobat administrator agent ambassador analyst announcer apprentice archaeologist
    archbishop archer architect artisan artist assassin assistant astronaut astronomer athlete attendant
    auctioneer author aviator baker ballerina bandit banker barber barista bartender bassist beekeeper
    biker biologist bishop blacksmith bodyguard botanist boxer brewer bricklayer builder burglar busker
    butcher butler buyer cadet calligrapher camper captain carpenter cartographer cashier cellist ceo
    chauffeur chef chemist chief chieftain choreographer clerk client climber clockmaker clown coach
    cobbler collector comedian commander composer conductor constable contestant cook courier cowboy
    cowgirl craftsman craftswoman criminal critic curator customer cyclist dancer dentist deputy
    designer detective diplomat director diver doctor doorman drifter driver drummer duchess duke
    ecologist editor electrician emperor empress engineer entertainer entrepreneur executive explorer
    farmer fencer firefighter fireman fisher fisherman fisherwoman florist flutist flautist forager
    gamer gardener geologist ghost-hunter gladiator glassblower goalkeeper goatherd gondolier governor
    grandmaster groomer groundskeeper guard guide guitarist gunslinger gymnast hairdresser harpist
    hermit hiker historian homeowner hunter huntress illustrator informant innkeeper inspector
    instructor intern inventor investigator janitor jeweler jeweller jockey journalist judge juggler
    keeper king knight laborer labourer landlord landlady lawyer leader lecturer legionary librarian
    lieutenant lifeguard lumberjack magician maid maker mail-carrier mailman mime manager marine mariner mason
    mathematician mayor mechanic medic merchant messenger milkman miner minister missionary monarch
    monk mountaineer musician navigator negotiator ninja nun nurse officer operator orator painter
    paleontologist paramedic patron pharmacist philosopher photographer physician physicist
    pianist pilgrim pilot pirate planner player plumber poet policeman policewoman politician porter
    postman postwoman potter preacher president priest priestess prince princess principal prisoner
    producer professor programmer prospector psychologist puppeteer queen rancher ranger rapper
    receptionist referee refugee reporter researcher rider robber runner sailor saxophonist scholar
    scientist scout sculptor seamstress secretary senator sergeant servant shaman shepherd sheriff
    shopkeeper shopper singer skater skier skateboarder sketcher smith snowboarder soldier sommelier
    sorcerer sorceress spy squire steward stewardess storyteller student stuntman surfer surgeon
    surveyor swimmer swordsman tailor teacher technician tenant therapist thief tourist trainee
    trainer traveler traveller trekker trumpeter tutor umpire usher vendor veterinarian vet
    villager violinist violist vocalist volunteer waiter waitress walker warden warrior watchman
    watchmaker weaver welder winemaker witch wizard woodcutter woodworker worker wrestler writer
    yogi zookeeper sweeper carrier candlemaker toymaker shoemaker dressmaker cabinetmaker
    archivist typist motorist pianist cameraman camerawoman crewman sheriff deckhand handyman
    fiddler piper bugler drummer minstrel bard jester courtier chancellor samurai viking cavalier
    musketeer ronin monarch pharaoh sultan sheikh emir tsar czar baron baroness countess
    marquis lord lady-in-waiting apprentice novice abbot abbess friar vicar rabbi imam cleric
    superhero supervillain villain agent detective sleuth inspector novice beginner
    conductor driver trucker cabbie cabdriver hitchhiker backpacker passenger commuter pedestrian
    spectator supporter voter protester activist candidate winner loser finalist
    groom stablehand jockey herdsman herder cowhand wrangler ranchhand poacher trapper
    diver snorkeler kayaker canoeist rower sailor surfer swimmer paddler
    ballerino breakdancer dj disc-jockey emcee
    bride widow widower orphan heir heiress
    homeless beggar vagrant wanderer nomad settler pioneer colonist castaway survivor
    prisoner inmate convict captive hostage
    resident occupant tourist
""") - GENERIC_PERSON - KINSHIP - EPITHET_ANY - EPITHET_PERSON

#: occupation families: a hypernym matches its hyponyms ("the musician" = "the guitarist")
PERSON_HYPERNYMS: dict[str, frozenset[str]] = {
    "musician": _words("""guitarist violinist saxophonist pianist cellist drummer bassist harpist flutist
                        flautist trumpeter violist singer vocalist fiddler piper bugler minstrel bard
                        busker rapper"""),
    "performer": _words("""mime musician guitarist violinist saxophonist pianist cellist drummer singer
                         vocalist dancer ballerina ballerino acrobat juggler clown magician comedian
                         actor actress entertainer busker breakdancer puppeteer fiddler"""),
    "artist": _words("painter sculptor illustrator calligrapher sketcher potter muralist"),
    "dancer": _words("ballerina ballerino breakdancer"),
    "scientist": _words("""botanist biologist chemist physicist astronomer geologist paleontologist
                         archaeologist ecologist researcher"""),
    "doctor": _words("surgeon physician medic"),
    "soldier": _words("legionary warrior knight samurai marine cadet sergeant lieutenant captain"),
    "officer": _words("policeman policewoman constable sheriff deputy"),
    "chef": _words("cook"),
    "sailor": _words("mariner deckhand"),
    "writer": _words("author poet journalist novelist"),
    "worker": _words("laborer labourer"),
    "student": _words("novice apprentice trainee pupil learner"),
    "vendor": _words("merchant seller"),
}

#: gender carried by the noun itself
MALE_NOUNS = _words("""
    man boy gentleman guy fellow lad schoolboy father dad daddy son brother grandfather grandpa
    grandson uncle nephew husband fiance groom boyfriend stepfather stepson godfather king prince
    emperor duke monk priest policeman fireman fisherman mailman postman milkman cameraman
    craftsman swordsman stuntman doorman watchman handyman herdsman crewman wizard sorcerer warlock
    waiter steward actor baron count lord abbot friar merman widower ballerino sultan sheikh emir
    tsar czar pharaoh stag stallion bull rooster cockerel drake gander ram boar buck colt peacock
    tomcat billy
""")
FEMALE_NOUNS = _words("""
    woman girl lady gal lass schoolgirl mother mom mum mommy mummy daughter sister grandmother
    grandma granny granddaughter aunt auntie niece wife fiancee bride girlfriend stepmother
    stepdaughter godmother queen princess empress duchess nun priestess policewoman fisherwoman
    postwoman camerawoman craftswoman witch sorceress actress waitress stewardess seamstress
    ballerina huntress heiress widow baroness countess abbess mermaid cowgirl landlady
    hen doe mare cow ewe sow vixen lioness tigress peahen nanny filly
""")
#: age class carried by the noun: a boy is never "the man"
CHILD_NOUNS = _words("""
    boy girl child kid toddler baby infant schoolboy schoolgirl lad lass youngster newborn tot
""")
ADULT_NOUNS = _words("""
    man woman gentleman lady guy gal fellow adult mother father mom mum dad grandfather grandmother
    grandpa grandma granny husband wife elder senior oldster widow widower
""")

# -------------------------------------------------------------------------------------- animals
ANIMAL = _words("""
    aardvark albatross alligator alpaca anaconda ant anteater antelope ape armadillo baboon badger
    barracuda bat bear beaver bee beetle bison blackbird bloodhound bluebird boar bobcat buffalo
    bull bulldog bullfrog bumblebee bunny butterfly buzzard calf camel canary capybara cardinal
    caribou carp cat caterpillar catfish centipede chameleon cheetah chick chicken chihuahua
    chimpanzee chinchilla chipmunk cicada clam clownfish cobra cockatoo cockroach cod collie colt
    condor corgi cougar cow coyote crab crane crayfish cricket crocodile crow cub dachshund dalmatian
    deer dingo dog dolphin donkey dove dragonfly drake duck duckling eagle eel egret elephant elk emu
    falcon fawn ferret finch firefly fish flamingo foal fox frog gazelle gecko gerbil gibbon giraffe
    goat goldfish goose gorilla grasshopper greyhound grizzly groundhog guppy hamster hare hawk
    hedgehog hen heron herring hippo hippopotamus honeybee hornet horse hound hummingbird husky hyena
    ibis iguana impala jackal jaguar jellyfish kangaroo kingfisher kitten kitty koala koi labrador
    ladybug ladybird lamb lemur leopard lion lioness lizard llama lobster lynx macaw magpie mallard
    mammoth manatee mare marmot meerkat mink mole mongoose monkey moose mosquito moth mouse mule
    narwhal newt nightingale ocelot octopus opossum orangutan orca ostrich otter owl owlet ox oyster
    panda panther parakeet parrot partridge peacock peahen pelican penguin pheasant pig piglet pigeon
    pika piranha platypus polecat pony poodle porcupine porpoise possum pug puffin puma pup puppy
    python quail rabbit raccoon ram rat rattlesnake raven reindeer retriever rhino rhinoceros robin
    rooster salamander salmon sardine scorpion seagull seahorse seal shark sheep sheepdog shrimp
    skunk sloth slug snail snake sparrow spider spaniel squid squirrel stag starfish stallion stingray
    stork swallow swan tadpole tarantula terrier tiger tigress toad tortoise toucan trout tuna turkey
    turtle vulture wallaby walrus warthog wasp weasel whale wolf wolverine wombat woodpecker worm
    yak zebra beagle rottweiler doberman pomeranian schnauzer mastiff husky dachshund pitbull
    greyhound whippet shepherd setter pointer tabby siamese calico mustang bronco thoroughbred
    gull songbird hatchling kid joey lamb cygnet gosling kit cockerel crocodile dinosaur t-rex
    raptor velociraptor triceratops stegosaurus brontosaurus pterodactyl mammoth sabertooth
    orangutan macaque marmoset tamarin hummingbird sandpiper plover pelican cormorant osprey kestrel
    merlin harrier goshawk kookaburra lorikeet budgie budgerigar cockatiel lovebird finch wren
    starling thrush lark jay bluejay hippo elephant-seal sea-lion sealion walrus otter beaver
    butterfly moth bee wasp ant beetle ladybug firefly dragonfly grasshopper cricket mantis
""") - _words("kid kit ray crane jay merlin harrier shepherd pointer setter boxer seal")

#: nouns that are animals only with a required modifier right before them ("manta ray")
ANIMAL_WITH_MODIFIER: dict[str, frozenset[str]] = {
    "ray": _words("manta sting eagle electric devil"),
    "lion": _words("sea mountain"),
    "shepherd": _words("german australian anatolian"),
    "pointer": _words("german english"),
    "setter": _words("irish english red"),
    "crane": _words("whooping sandhill crowned"),
    "jay": _words("blue"),
    "kid": _words("goat"),
}
#: animals also written with a word that blocks the animal reading ("computer mouse", "baseball bat")
ANIMAL_BLOCKERS: dict[str, frozenset[str]] = {
    "mouse": _words("computer wireless optical"),
    "bat": _words("baseball cricket wooden metal aluminum"),
    "seal": _words("wax rubber official royal"),
    "crane": _words("construction tower paper origami"),
    "mole": _words("facial"),
    "bug": _words("computer software"),
    "horse": _words("rocking carousel hobby"),
    "duck": _words("rubber"),
    "bear": _words("teddy gummy"),
}
ANIMAL_EXTRA = _words("seal bug")  # animal nouns subject to a blocker (see ANIMAL_BLOCKERS)

JUVENILE_ANIMAL = _words("""
    cub puppy pup kitten kitty calf foal fawn chick duckling piglet lamb joey owlet hatchling
    tadpole cygnet gosling colt filly kid kit
""")

#: hypernyms for animals ("the bird" = "the seagull")
ANIMAL_HYPERNYMS: dict[str, frozenset[str]] = {
    "dog": _words("""puppy pup retriever poodle labrador beagle terrier spaniel husky corgi dachshund
                  bulldog collie pug chihuahua dalmatian greyhound rottweiler doberman hound mastiff
                  sheepdog schnauzer pomeranian pitbull whippet shepherd setter pointer bloodhound"""),
    "cat": _words("kitten kitty tabby siamese calico tomcat"),
    "bird": _words("""albatross blackbird bluebird buzzard canary cardinal chick chicken cockatoo condor
                   crane crow dove drake duck duckling eagle egret emu falcon finch flamingo goose gull
                   hawk hen heron hummingbird ibis jay kingfisher macaw magpie mallard nightingale
                   ostrich owl owlet parakeet parrot partridge peacock peahen pelican penguin pheasant
                   pigeon puffin quail raven robin rooster seagull sparrow stork swallow swan toucan
                   turkey vulture woodpecker songbird hatchling cygnet gosling cockerel sandpiper
                   plover cormorant osprey kestrel goshawk kookaburra lorikeet budgie budgerigar
                   cockatiel lovebird wren starling thrush lark"""),
    "fish": _words("""barracuda carp catfish clownfish cod eel goldfish guppy herring koi piranha salmon
                   sardine shark trout tuna stingray ray seahorse"""),
    "insect": _words("""ant bee beetle bumblebee butterfly caterpillar cicada cockroach cricket dragonfly
                     firefly grasshopper honeybee hornet ladybug ladybird mosquito moth wasp mantis"""),
    "bee": _words("honeybee bumblebee"),
    "horse": _words("pony foal stallion mare colt filly mustang bronco thoroughbred"),
    "deer": _words("fawn stag doe buck reindeer"),
    "bear": _words("grizzly"),
    "monkey": _words("baboon macaque marmoset tamarin"),
    "ape": _words("chimpanzee gorilla orangutan gibbon"),
    "snake": _words("anaconda cobra python rattlesnake"),
    "dinosaur": _words("t-rex raptor velociraptor triceratops stegosaurus brontosaurus pterodactyl"),
    "whale": _words("orca narwhal"),
    "rabbit": _words("bunny hare"),
    "pig": _words("piglet boar"),
    "sheep": _words("lamb ram ewe"),
    "goat": _words("kid"),
    "cow": _words("calf bull ox"),
    "chicken": _words("chick hen rooster cockerel"),
}

# ------------------------------------------------------------------------------------ creatures
CREATURE = _words("""
    dragon ghost spirit fairy faerie elf dwarf gnome goblin troll ogre giant unicorn pegasus phoenix
    griffin gryphon mermaid merman siren nymph pixie sprite genie djinn vampire werewolf zombie mummy
    skeleton alien monster demon devil angel cherub yeti bigfoot sasquatch kraken hydra centaur
    minotaur cyclops golem gargoyle banshee wraith specter spectre phantom poltergeist leprechaun
    hobbit imp scarecrow snowman gingerbread apparition wyvern basilisk chimera cerberus kelpie
    selkie dryad satyr faun titan behemoth leviathan sphinx
""")
#: adjectives that turn a person/figure into a creature and name it ("the pale spectre" -> "the ghost")
CREATURE_ADJECTIVES: dict[str, str] = {
    "ghostly": "ghost", "spectral": "ghost", "translucent": "ghost", "phantom": "ghost",
    "ethereal": "spirit", "undead": "zombie", "monstrous": "monster", "alien": "alien",
}

# --------------------------------------------------------------------------------------- robots
ROBOT = _words("""
    robot android cyborg droid bot automaton rover drone mech ai humanoid
""")
#: nouns that are robots only with a modifier ("robotic vacuum"), or once the story has one
ROBOT_WITH_MODIFIER: dict[str, frozenset[str]] = {
    "vacuum": _words("robotic robot automatic"),
    "cleaner": _words("robotic robot"),
    "arm": frozenset(),  # a robotic arm is a part, not a character
    "machine": _words("sentient talking"),
    "assistant": frozenset(),
}
ROBOT_ADJECTIVES = _words("robotic robot mechanical clockwork cybernetic android metallic")

# ------------------------------------------------------------------------------------- vehicles
VEHICLE = _words("""
    car truck tractor boat sailboat ship yacht ferry tugboat submarine train locomotive tram bus taxi
    van jeep airplane aeroplane plane jet helicopter spaceship spacecraft starship rocket blimp airship
    tank bulldozer excavator firetruck ambulance limousine sedan pickup lorry snowplow motorboat
    speedboat trawler steamboat riverboat raft lifeboat hovercraft zeppelin biplane glider racecar
    motorcycle scooter
""")
#: transport that is scenery unless the text animates it ("a steam train is waiting at the platform")
SCENERY_VEHICLES = _words("train locomotive tram bus ferry airplane aeroplane plane jet blimp airship zeppelin")
#: what makes a vehicle a character
VEHICLE_CHARACTER_WORDS = _words("""little tired brave talking smiling living sentient old-fashioned cheerful
                                   determined lonely friendly toy-like animated""")
#: a vehicle right after one of these is where someone is, not a character
LOCATIVE_PREPS = _words("on in into onto inside aboard off within")

# -------------------------------------------------------------------------------- not entities
#: groups of the background: never an entity of their own (rule: crowds, passers-by, colleagues)
BACKGROUND_GROUP = _words("""
    crowd audience throng horde mob swarm school flock staff public population army multitude
    dozen dozens hundreds thousands millions lots plenty masses others
""")
#: groups that act as one foreground unit ("a newlywed pair", "a group of hikers")
GROUP_NOUNS = _words("couple pair duo trio quartet family group band team troupe gang pack herd pod litter")
#: "the whole troupe", "the three pals": plural or group words that cover several known entities
COVER_NOUNS = _words("""
    couple pair duo trio family band team group friends friend member parent parents sibling twin
    performer partner companion figure character individual player musician child kid adult animal
    creature people person kids children adults
""")

BODY_PARTS = _words("""
    head face hand hands arm arms leg legs foot feet finger fingers eye eyes ear ears nose mouth lip
    lips tooth teeth tongue hair beard mustache moustache shoulder shoulders back chest neck knee knees
    elbow wrist palm fist toe toes tail paw paws wing wings claw claws fur feather feathers beak snout
    muzzle whisker whiskers horn horns antler antlers hoof hooves scale scales fin fins skin brow
    forehead cheek cheeks chin heart body spine belly stomach hip hips thumb nail nails mane trunk
    tusk tusks fang fangs pincer pincers talon talons gill gills shell voice breath expression gaze
    smile frown grin glance footsteps silhouette shadow reflection eyelid eyelashes
""")
#: things that depict or imitate a character (a prop, never the character itself)
ARTWORK = _words("""
    statue sculpture portrait painting picture photo photograph drawing sketch caricature image
    figurine carving mural poster model replica toy doll puppet marionette effigy bust icon
    silhouette cutout costume mask plushie
""")
#: modifiers that turn a character noun into a prop ("toy robot", "wooden soldier", "ice swan")
PROP_MODIFIERS = _words("""
    toy stuffed plush wooden plastic paper origami porcelain ceramic clay chalk ice sand marble
    bronze cardboard inflatable rubber tin model miniature teddy gummy chocolate gingerbread
    cartoonish painted carved sculpted drawn printed lego fake decorative inflated pinata glass
    fossilized fossil stuffed-toy
""") - _words("gingerbread")
#: a statue/figure counts as a character when it is alive
ANIMATE_MODIFIERS = _words("""
    living animate animated now-animate moving walking talking breathing enchanted sentient
    awakened magical haunted possessed
""")

#: determiners and quantifiers; value = what the determiner says about the reference
DETERMINERS: dict[str, str] = {
    "a": "indef", "an": "indef", "the": "def", "this": "def", "that": "def", "these": "def",
    "those": "def", "his": "poss", "her": "poss", "their": "poss", "its": "poss", "my": "poss",
    "your": "poss", "our": "poss", "another": "new", "each": "each", "every": "each", "both": "num",
    "either": "def", "neither": "neg", "no": "neg", "some": "indef", "any": "neg",
    "several": "indef", "many": "indef", "few": "indef", "one": "num", "two": "num", "three": "num",
    "four": "num", "five": "num", "six": "num", "seven": "num", "eight": "num", "nine": "num",
    "ten": "num", "whose": "def", "which": "def", "what": "def",
}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "both": 2, "pair": 2, "couple": 2, "duo": 2, "trio": 3, "quartet": 4,
                "twins": 2}
#: ordinals/adjectives right after the determiner that change the reference
NEWCOMER_WORDS = _words("another second new third fourth fifth")
HYPOTHETICAL_WORDS = _words("""next unseen absent missing imaginary invisible future former previous would-be
    late deceased departed""")

PRONOUNS: dict[str, tuple[str, str]] = {  # word -> (gender or number, case)
    "he": ("male", "subj"), "him": ("male", "obj"), "his": ("male", "poss"), "himself": ("male", "obj"),
    "she": ("female", "subj"), "her": ("female", "obj"), "hers": ("female", "poss"),
    "herself": ("female", "obj"),
    "it": ("neuter", "subj"), "its": ("neuter", "poss"), "itself": ("neuter", "obj"),
    "they": ("plural", "subj"), "them": ("plural", "obj"), "their": ("plural", "poss"),
    "theirs": ("plural", "poss"), "themselves": ("plural", "obj"),
}

# ----------------------------------------------------------------------------- attribute words
COLOURS = _words("""
    red orange yellow green blue purple violet pink brown black white grey gray silver golden gold
    beige crimson scarlet maroon navy teal turquoise cyan magenta lavender ivory tan khaki olive
    emerald azure indigo cream copper bronze rust auburn blonde blond ginger brunette charcoal
    multi-colored multicolored multi-coloured colorful colourful rainbow striped spotted checkered
    plaid tartan polka-dot dark light pale bright
""")
SIZE_SMALL = _words("small tiny little miniature petite short wee")
SIZE_LARGE = _words("large big huge giant enormous massive tall gigantic towering burly hulking")
AGE_YOUNG = _words("young little teenage teenaged adolescent juvenile baby infant youthful")
AGE_OLD = _words("old elderly aged aging ageing retired ancient wrinkled gray-haired grey-haired white-haired senior")

CLOTHING_SLOTS: dict[str, frozenset[str]] = {
    "head": _words("""hat cap helmet hood beret toque headband crown bonnet turban veil bandana beanie
                    tiara headscarf fedora sombrero top-hat headdress visor tophat"""),
    "top": _words("""jacket coat sweater shirt t-shirt tshirt blouse hoodie vest jersey tunic cardigan
                   blazer parka raincoat overcoat windbreaker poncho cloak cape shawl sweatshirt
                   tank-top top"""),
    "body": _words("""dress gown suit uniform robe jumpsuit overalls armor armour wetsuit spacesuit
                    costume kimono tuxedo snowsuit bodysuit leotard tutu sari outfit attire garb
                    clothing clothes pajamas pyjamas apron smock coveralls frock habit"""),
    "legs": _words("trousers pants jeans skirt shorts leggings kilt"),
    "feet": _words("boots shoes sneakers sandals slippers heels"),
    "eyes": _words("glasses sunglasses goggles spectacles monocle eyepatch eyepiece"),
    "neck": _words("scarf tie bowtie necklace collar pendant"),
    "hands": _words("gloves mittens"),
}
CLOTHING = frozenset().union(*CLOTHING_SLOTS.values())
HAIR_WORDS = _words("""hair braids braid ponytail pigtails bun curls beard mustache moustache dreadlocks
                     afro mohawk bangs locks sideburns stubble""")
MARK_WORDS = _words("""tattoo tattoos scar scars freckles birthmark piercing piercings paint makeup
                     make-up spots stripes patch patches""")

#: adjectives about mood or character, not appearance (kept for matching, not reported as visual)
NON_VISUAL_ADJECTIVES = _words("""
    curious mischievous lost stern friendly patient tired determined mysterious hopeful nervous happy
    sad wise brave kind gentle shy proud angry calm quiet playful lonely lone curious confident
    anxious excited scared frightened fearful worried bored grumpy cheerful joyful thoughtful famous
    renowned legendary charismatic sophisticated grateful relieved focused eager enthusiastic
    courageous cautious careful clever smart loyal loving caring affectionate surprised startled
    stunned amazed impressed delighted thrilled content peaceful serene tranquil busy hungry
    thirsty sleepy sleeping weary exhausted desperate distressed lovely beautiful handsome pretty
    cute adorable majestic graceful elegant hardworking diligent meticulous skilled talented
    experienced expert dedicated devoted unlikely successful unexpected visiting waiting smiling
    laughing crying weeping frowning hesitant reluctant
""")

#: words that can never start or continue a noun phrase (used when reading modifiers leftwards)
FUNCTION_WORDS = _words("""
    and or but nor so yet for of in on at by with without from to into onto upon over under above
    below behind beside besides between among amongst through throughout across along around about
    against toward towards near inside outside within beyond past after before during until since
    as than like while when whenever where wherever whereas because although though if unless
    whether once then there here is are was were be been being am has have had having do does did
    will would shall should can could may might must not who whom whose which that what this these
    those it its they them their he him his she her we us our you your i me my mine himself herself
    itself themselves also just only even still now already very too quite rather really almost
    finally suddenly slowly quickly gently carefully together alone away back up down out off
    nearby outside upstairs downstairs ahead again once today tonight home instead anyway forward
    backward backwards aside apart overhead everywhere somewhere asleep awake alive afraid aware ablaze
    afloat aloft ashore abroad inside indoors outdoors
""")
COPULAS = _words("is are was were be been being becomes become became remains remain remained seems seem seemed")
ADVERBS_IN_PREDICATE = _words("""
    now no longer not still also just clearly truly finally once again already really simply merely
    nothing more than actually perhaps probably
""")

#: verbs that, right before a noun phrase, say the entity is sought or imagined, not in the scene
ABSENCE_VERB_PHRASES: tuple[tuple[str, ...], ...] = (
    ("looking", "for"), ("searching", "for"), ("waiting", "for"), ("thinking", "of"), ("thinking", "about"),
    ("dreaming", "of"), ("dreaming", "about"), ("remembers",), ("remembering",), ("misses",), ("missing",),
    ("imagines",), ("imagining",), ("like",), ("resembling",), ("resembles",), ("mimicking",),
    ("wait", "for"), ("waits", "for"), ("look", "for"), ("looks", "for"), ("search", "for"), ("searches", "for"),
    # talking to or about someone elsewhere: a letter, a call, a gift or a plan for a person not in the scene
    ("letter", "to"), ("note", "to"), ("postcard", "to"), ("message", "to"), ("email", "to"), ("writes", "to"),
    ("writing", "to"), ("phone", "with"), ("phone", "to"), ("call", "with"), ("video", "call"), ("phones",),
    ("texts",), ("emails",), ("party", "for"), ("gift", "for"), ("present", "for"), ("surprise", "for"),
    ("mourns",), ("mourning",), ("grieves", "for"), ("grieving", "for"), ("longs", "for"), ("misses", "her"),
    ("talks", "about"), ("talking", "about"), ("speaks", "of"), ("tells", "stories", "about"),
)

#: common nouns that may follow an entity noun inside a compound ("dog biscuit", "bird feeder")
COMMON_NOUNS = _words("""
    biscuit bowl bed house collar leash food treat feeder cage kennel show park hair fur bone toy colony
    whistle sled team trainer groomer walker breeder owner handler keeper tamer catcher sanctuary
    shelter farm pen coop nest hive barn stable yard trail tracks print prints footprint
    footprints mask costume suit statue sculpture figurine ornament pattern shape face head tail
    story book tale song sound noise bell style fashion print motif crossing
    cart truck car boat ship wagon carriage station route lane seat belt license driver rider stop ride
    watcher lover enthusiast sitter walker photographer expert
    searchlight spotlight light lamp beam signal flag badge uniform hat helmet boots jacket
    office desk room hall kitchen shop store counter window door table chair bench wall floor
    roof garden field court yard path road street bridge river lake sea ocean beach forest tree
    mountain hill valley cave tent camp fire pit case box bag basket bucket net rod line pole
    board game ball bat glove racket club stick wand staff sword shield bow arrow spear
    knife axe hammer brush pen pencil paper notebook notepad canvas easel camera phone laptop
    screen computer tablet clock cup mug glass bottle plate dish bread cake cookie
    candy coffee tea milk water wine soup meal dinner lunch breakfast snack fruit apple
    engine wheel wheels motor tire tyres horn siren cabin deck sail sails mast anchor hull
    """)

#: verbs commonly written right after a subject in these prompts (base forms, for compound detection)
COMMON_VERBS = _words("""
    help try build play look watch make take give see come go get put run sit stand walk eat drink
    sing dance read write draw paint hold carry bring feel hear know learn move turn open close start
    stop wait work use touch catch throw ride swim fly jump climb follow lead pull push reach rest fall
    fetch join leave meet pick place plant pour press finish smile laugh cry nod wave point explore
    practice practise hug kiss chase hunt wander float glide soar land hop crawl dig sniff lick bark
    meow purr roar chirp sleep wake lie lay share stare gaze decide begin continue keep let allow
    teach show tell say ask answer call shout whisper listen notice discover find lose win fight
    attack defend protect save rescue guide bow clap cheer grin frown blink wink shrug sigh gasp
    kneel crouch lean bend stretch reach grab lift drop toss hand offer accept refuse pay buy sell
    serve cook bake cut chop slice stir mix clean wash wipe sweep fix repair mend check test inspect
    examine study observe record film photograph paddle row sail drive steer park enter exit return
    arrive depart approach stay remain become seem appear vanish disappear emerge rise sink
""")

#: irregular past-tense verbs (so that "the dog ran" is read as noun + verb)
IRREGULAR_PAST = _words("""
    ran sat stood took gave made saw came went fell held led left met put rose said sang swam threw
    told thought won wore woke knew grew drew flew ate began broke brought caught chose did drank drove
    found forgot got heard hid kept laid lay lost meant paid read rode rang sold sent set shook shot
    shut slept spoke spent stole struck swept taught tore understood wept wrote bit blew built burnt
    clung crept dealt dove dug fed felt fled flung fought forgave froze hung knelt leapt lit overtook
    slid slung sprang spun stung strode strove swung tossed wound
""")

IRREGULAR_PLURALS: dict[str, str] = {
    "men": "man", "women": "woman", "children": "child", "people": "person", "mice": "mouse",
    "geese": "goose", "teeth": "tooth", "feet": "foot", "oxen": "ox", "wolves": "wolf", "elves": "elf",
    "dwarves": "dwarf", "calves": "calf", "halves": "half", "knives": "knife", "wives": "wife",
    "lives": "life", "leaves": "leaf", "thieves": "thief", "loaves": "loaf", "selves": "self",
    "shelves": "shelf", "scarves": "scarf", "hooves": "hoof", "cacti": "cactus", "fungi": "fungus",
    "alumni": "alumnus", "bacteria": "bacterium", "firemen": "fireman", "fishermen": "fisherman",
    "policemen": "policeman", "gentlemen": "gentleman", "businessmen": "businessman", "passersby": "passerby",
    "passers-by": "passerby", "kids": "kid", "brethren": "brother", "lice": "louse", "dice": "die",
}
#: nouns spelled the same in singular and plural
SAME_PLURAL = _words("""
    fish sheep deer moose salmon trout bison squid shrimp cod tuna swine aircraft spacecraft offspring
    series species elk reindeer buffalo carp koi staff crew
""")
#: words ending in -s that are singular
S_SINGULARS = _words("""
    bus gas glass grass class boss dress mess chess press walrus octopus platypus hippopotamus cactus
    virus bonus circus iris lotus campus status canvas atlas albatross princess actress waitress
    goddess hostess lioness tigress seamstress stewardess huntress heiress sorceress empress duchess
    countess baroness abbess priestess mistress governess compass apparatus census chorus
    rhinoceros pegasus always perhaps has was is its his this thus plus yes us famous previous
    nervous curious mysterious serious various enormous gorgeous jealous precious dangerous
    tremendous anxious cautious conscious gracious vicious spacious delicious glorious furious
    ominous luminous
""")

#: character nouns that are often adjectives before another noun ("a giant sequoia", "a baby elephant")
ADJECTIVAL_NOUNS = _words("""
    giant baby mammoth monster pet ghost dragon robot toy human adult senior elder dwarf miniature
    teen teenage junior master guardian police fire ranger guide pilot professional family group team
    band expert amateur veteran pro rookie security
""")
#: epithets that imply an adult ("the master" is never the young grandson)
ADULT_EPITHETS = _words("master legend veteran mentor expert elder senior grandmaster")
#: chess pieces: props whenever the prompt is about chess
CHESS_PIECES = _words("king queen knight bishop rook pawn")
#: figures that toys and statues are made of ("a toy soldier"); other occupations are makers ("a kite maker")
TOYABLE = _words("""soldier knight king queen prince princess pirate cowboy clown ballerina astronaut robot
                   warrior doll""")
#: relationship epithets: "a new pal" describes how someone relates, it does not introduce anyone
RELATIONAL = _words("friend companion pal buddy acquaintance partner ally")
#: what is left of an animal long dead ("the mammoth's jaw bone")
REMAINS = _words("bone bones skull skeleton fossil fossils remains rib ribs carcass")
