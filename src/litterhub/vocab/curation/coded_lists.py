"""Hand-reviewed mappings of the code-based lists (OSPAR, UNEP/IOC, ICES/MEDITS) onto the master list.

One line per source code: ``code | rel | master | note``. ``rel`` is ``=`` exactMatch, ``<`` the source is
narrower than the master concept (narrowMatch: counts roll into the master item), ``>`` the source is
broader (broadMatch: counts roll up only to the master item's parent class), ``~`` relatedMatch.
The build script adds the source name from the real list and the evidence found in the real data.
"""

OSPAR = """
1 | = | G1 |
2 | = | G3 |
3 | = | G4 |
112 | = | G5 |
4 | = | G6 | drinks bottles, containers and drums = G7 + G8
5 | = | G9 |
6 | = | G10 |
7 | > | G12 | cosmetics bottles cover G11 (beach use) and G12 (other)
8 | = | G14 |
9 | = | G15 |
10 | = | G16 |
11 | = | G17 |
12 | = | G13 |
13 | = | G18 |
14 | = | G19 |
15 | = | G20 | caps/lids of all kinds = G21..G24
16 | = | G26 |
17 | = | G28 |
18 | = | G29 |
19 | > | G30 | crisp/sweet packets AND lolly sticks = G30 + G31
20 | = | G32 |
21 | = | G33 |
22 | > | G34 | cutlery/trays AND straws = G34 + G35
23 | = | G36 |
24 | = | G37 |
25 | = | G40 |
113 | = | G41 |
26 | = | G42 |
114 | = | G43 |
27 | = | G44 |
28 | = | G45 |
29 | = | G46 |
30 | = | G47 |
31 | = | G49 |
32 | = | G50 |
115 | = | G53 |
116 | = | G54 |
33 | = | G56 |
34 | > | G57 | plastic AND expanded polystyrene fish boxes = G57 + G58
35 | = | G59 |
36 | = | G60 |
37 | > | G63 | floats and buoys = G62 + G63
38 | = | G65 |
39 | = | G66 |
40 | = | G67 |
41 | = | G68 |
42 | = | G69 |
43 | = | G70 |
44 | = | G71 |
45 | = | G73 |
117 | = | G75 |
46 | = | G76 |
47 | = | G77 |
48 | = | G124 |
49 | = | G125 |
50 | = | G127 |
52 | = | G128 |
53 | = | G134 |
54 | = | G137 |
55 | = | G141 |
56 | = | G140 |
57 | = | G138 |
59 | = | G145 |
60 | = | G147 |
61 | = | G148 |
118 | = | G150 |
62 | = | G151 |
63 | = | G152 |
64 | = | G27 |
65 | < | G153 | paper cups only; G153 also covers food trays and wrappers
66 | = | G154 |
67 | = | G158 |
68 | = | G159 |
69 | = | G160 |
70 | = | G162 |
71 | = | G163 |
119 | = | G164 |
72 | = | G165 |
73 | = | G166 |
74 | = | G171 |
75 | = | G172 |
76 | = | G174 |
77 | = | G178 |
78 | = | G175 |
120 | = | G179 |
79 | = | G180 |
80 | = | G182 |
81 | = | G177 |
82 | = | G176 |
83 | = | G186 |
84 | = | G187 |
86 | = | G190 |
87 | = | G184 |
88 | = | G191 |
89 | = | G198 |
90 | = | G199 |
91 | = | G200 |
92 | > | G202 | light bulbs AND tubes = G202 + G205
93 | = | G210 |
94 | = | G204 |
95 | = | G207 |
96 | ~ | G210 | other ceramic/pottery items; no ceramic-only item in the master list
97 | = | G133 |
98 | = | G95 |
99 | = | G96 |
100 | = | G144 |
101 | = | G97 |
102 | ~ | G96 | other sanitary items; no generic sanitary item in the master list
103 | = | G100 |
104 | = | G99 |
105 | = | G211 |
121 | = | G101 |
108 | < | G213 | wax pieces, small
109 | < | G213 | wax pieces, medium
110 | < | G213 | wax pieces, large
111 | < | TSG_ML_2 | other pollutants (oil, tar, chemicals)
610 | < | G10 | NL split of OSPAR 6: plastic food containers
620 | < | G10 | NL split of OSPAR 6: expanded polystyrene food containers
211 | < | G33 | NL split of OSPAR 21: plastic cups
212 | < | G33 | NL split of OSPAR 21: expanded polystyrene cups
341 | = | G57 | NL split of OSPAR 34: plastic fish boxes
342 | = | G58 | NL split of OSPAR 34: expanded polystyrene fish boxes
1171 | = | G78 | NL split of OSPAR 117: plastic pieces 0-2.5 cm
1172 | = | G81 | NL split of OSPAR 117: polystyrene pieces 0-2.5 cm
461 | = | G79 | NL split of OSPAR 46: plastic pieces 2.5-50 cm
462 | = | G82 | NL split of OSPAR 46: polystyrene pieces 2.5-50 cm
471 | = | G80 | NL split of OSPAR 47: plastic pieces > 50 cm
472 | = | G83 | NL split of OSPAR 47: polystyrene pieces > 50 cm
321 | < | G50 | NL split of OSPAR 32: string and cord
322 | < | G50 | NL split of OSPAR 32: dolly rope (chafer, < 1 cm strands)
331 | < | G56 | NL split of OSPAR 33: tangled string
332 | < | G56 | NL split of OSPAR 33: tangled dolly rope
981 | = | G95 | NL split of OSPAR 98: plastic cotton bud sticks
982 | < | G158 | NL split of OSPAR 98: cardboard cotton bud sticks are paper items
481 | = | G91 | NL extension: biofilm carriers from sewage treatment
931 | = | G201 | NL extension: glass jars
OSPAR_1 | = | TSG_ML_3 |
OSPAR_3 | < | TSG_ML_5 |
OSPAR_5 | = | TSG_ML_6 |
OSPAR_6 | = | TSG_ML_7 |
OSPAR_7 | = | TSG_ML_1 |
OSPAR_8 | < | TSG_ML_5 |
OSPAR_9 | = | TSG_ML_9 |
OSPAR_11 | = | TSG_ML_8 |
OSPAR_13 | = | TSG_ML_2 |
"""

OSPAR_NL_NAMES = {
    "610": "Plastic: Food_plastic",
    "620": "Plastic: Food_eps",
    "211": "Plastic: Cups_plastic",
    "212": "Plastic: Cups_eps",
    "341": "Plastic: Fishboxes_plastic",
    "342": "Plastic: Fishboxes_eps",
    "1171": "Plastic: Plastic_s",
    "1172": "Plastic: Eps_s",
    "461": "Plastic: Plastic_m",
    "462": "Plastic: Eps_m",
    "471": "Plastic: Plastic_l",
    "472": "Plastic: Eps_l",
    "321": "Plastic: String_cord",
    "322": "Plastic: Dolly_rope",
    "331": "Plastic: Tangled_string",
    "332": "Plastic: Tangled_dolly_rope",
    "981": "San: Buds_plastic",
    "982": "San: Buds_cardboard",
    "481": "Plastic: Biofilm",
    "931": "Glass: Jars",
}

UNEP = """
PL01 | = | G20 |
PL02 | > | G6 | all bottles < 2 L (drinks, cleaner, cosmetics)
PL03 | > | G13 | bottles, drums, jerrycans and buckets > 2 L
PL04 | > | G34 | cutlery AND straws/stirrers = G34 + G35
PL05 | = | G1 |
PL06 | > | G10 | food containers, cups and lunch boxes
PL07 | = | G2 |
PL08 | = | G32 |
PL09 | = | G39 |
PL10 | = | G26 |
PL11 | = | G27 |
PL12 | = | G99 |
PL13 | = | G18 |
PL14 | = | G63 |
PL15 | > | G37 | mesh bags incl. oyster nets and mussel bags = G37 + G45
PL16 | = | G67 |
PL17 | > | G61 | lures, traps and pots
PL18 | = | G59 |
PL19 | = | G48 |
PL20 | = | G51 |
PL21 | = | G66 |
PL22 | = | G68 |
PL23 | = | G112 |
PL24 | = | G124 |
FP01 | = | G73 |
FP02 | > | G10 | foamed cups and food packs
FP03 | ~ | G62 | foam buoys
FP04 | = | G74 |
FP05 | > | G82 | other foamed plastic
CL01 | = | G135 |
CL02 | = | G139 |
CL03 | > | G143 | canvas, sailcloth AND sacking = G140 + G143
CL04 | < | G142 |
CL05 | = | G141 |
CL06 | = | G145 |
GC01 | = | G204 |
GC02 | > | G200 | bottles AND jars = G200 + G201
GC03 | = | G203 |
GC04 | = | G202 |
GC05 | = | G205 |
GC06 | = | G206 |
GC07 | = | G208 |
GC08 | = | G210 |
ME01 | = | G181 |
ME02 | = | G178 |
ME03 | = | G175 |
ME04 | = | G188 |
ME05 | = | G189 |
ME06 | = | G177 |
ME07 | = | G182 |
ME08 | < | TSG_ML_6 | metal fragments of any size
ME09 | = | G191 |
ME10 | = | G197 |
PC01 | = | G157 |
PC02 | = | G148 |
PC03 | = | G153 |
PC04 | = | G155 |
PC05 | = | G158 |
RB01 | > | G125 | balloons, balls AND toys
RB02 | = | G102 |
RB03 | > | G39 | rubber gloves of all kinds
RB04 | < | G128 |
RB05 | = | G129 |
RB06 | = | G131 |
RB07 | = | G133 |
RB08 | = | G134 |
WD01 | = | G159 |
WD02 | > | G163 | wooden fishing traps and pots
WD03 | = | G165 |
WD04 | > | G161 | processed timber AND pallet crates = G160 + G161 + G162
WD05 | = | G167 |
WD06 | < | TSG_ML_8 | other wood of any size
OT01 | = | G213 |
OT02 | > | G96 | nappies, cotton buds, tampon applicators, toothbrushes
OT03 | > | G180 | appliances AND electronics
OT04 | = | G195 |
OT05 | ~ | G216 | other items
UNEP_1 | = | TSG_ML_3 |
UNEP_2 | < | TSG_ML_1 |
UNEP_3 | = | TSG_ML_5 |
UNEP_4 | = | TSG_ML_6 |
UNEP_6 | = | TSG_ML_7 |
UNEP_7 | = | TSG_ML_1 |
UNEP_8 | = | TSG_ML_9 |
UNEP_9 | = | TSG_ML_8 |
"""

ICES_MEDITS = """
A | = | TSG_ML_1 |
B | = | TSG_ML_6 |
C | = | TSG_ML_9 |
D | = | TSG_ML_5 |
A1 | = | G6 |
A2 | = | G67 |
A3 | = | G2 |
A4 | = | G20 |
A5 | = | G59 |
A6 | = | G55 |
A7 | = | G48 |
A8 | = | G51 |
A9 | = | G93 |
A10 | = | G66 |
A11 | = | G18 |
A12 | = | G98 |
A13 | > | G96 | sanitary towels AND tampons = G96 + G144
A14 | = | G124 |
B1 | = | G176 |
B2 | = | G175 |
B3 | = | G182 |
B4 | = | G187 |
B5 | = | G180 |
B6 | < | G193 |
B7 | = | G194 |
B8 | = | G197 |
C1 | = | G127 |
C2 | = | G125 |
C3 | = | G132 |
C4 | < | G128 |
C5 | ~ | G41 | rubber glove
C6 | = | G134 |
D1 | = | G201 |
D2 | = | G200 |
D3 | = | G208 |
D4 | = | G210 |
E1 | = | G170 |
E2 | < | G142 | natural rope
E3 | = | G146 |
E4 | = | G160 |
F1 | = | G137 |
F2 | = | G136 |
F3 | ~ | G216 |
L1 | = | TSG_ML_1 |
L2 | = | TSG_ML_9 |
L3 | = | TSG_ML_6 |
L4 | = | TSG_ML_5 |
L5 | = | TSG_ML_3 |
L6 | = | TSG_ML_8 |
L7 | = | TSG_ML_7 |
L8 | ~ | TSG_ML_10 |
L9 | = | TSG_ML_11 |
L1a | = | G2 |
L1b | = | G6 |
L1c | > | G30 | food wrappers of all kinds
L1d | = | G67 |
L1e | < | TSG_ML_1 | hard plastic objects
L1f | = | G51 |
L1g | > | G59 | fishing lines, monofilament AND entangled = G55 + G59
L1h | = | G61 |
L1i | > | G48 | synthetic ropes AND strapping bands = G48 + G66
L1j | = | G124 |
L2a | < | G128 |
L2b | = | G134 |
L3a | = | G175 |
L3b | > | G176 | food cans AND wrappers = G176 + G177
L3c | = | G185 |
L3d | = | G196 |
L3e | = | G194 |
L3f | = | G182 |
L3g | < | TSG_ML_6 | remnants from the war
L4a | = | G200 |
L4b | = | G208 |
L4c | < | TSG_ML_5 | ceramic jars
L4d | = | G209 |
L5a | = | G137 |
L5b | = | G141 |
L5c | < | G142 |
L5d | < | TSG_ML_3 | sanitaries, non-polymer
"""

# ICES RECO litter list (DATRAS LTREF = RECO_LT), same scheme id as C_TS_REV and MEDITS (codes do not collide).
ICES_RECO = """
LT1 | = | G1 |
LT2 | = | G6 |
LT3 | = | G66 |
LT4 | = | G18 |
LT5 | = | G67 |
LT6 | = | G20 |
LT7 | = | G2 |
LT8 | = | G93 |
LT9 | > | G59 | fishing line of any kind
LT10 | < | Gpieces |
LT11 | = | G112 |
LT12 | = | G48 |
LT13 | = | G51 |
LT14 | < | G137 |
LT15 | = | G124 |
LT16 | > | G175 | food AND beverage cans
LT17 | = | G187 |
LT18 | = | G180 |
LT19 | = | G194 |
LT20 | = | G182 |
LT21 | = | G191 |
LT22 | < | G193 |
LT23 | = | G197 |
LT24 | = | G5 |
LT25 | < | G144 |
LT26 | = | G57 |
LT27 | = | G42 |
LT28 | ~ | G46 | plastic fishing tray
LT29 | = | G99 |
LT30 | < | G99 |
LT31 | < | G144 |
LT32 | = | G17 |
LT33 | = | G100 |
LT34 | < | G137 |
LT35 | = | G97 |
LT36 | < | G137 |
LT37 | < | G135 |
LT38 | = | G71 |
LT39 | ~ | G38 | plastic foil wrap
LT40 | = | G26 |
LT41 | = | G28 |
LT42 | < | G29 |
LT43 | < | G34 |
LT44 | < | G13 |
LT45 | < | G32 |
LT46 | < | G32 |
LT47 | < | G18 |
LT48 | = | G19 |
LT49 | = | G50 |
LT50 | = | G62 |
LT51 | = | G65 |
LT52 | = | G73 |
LT53 | < | G124 |
LT54 | < | G124 |
LT56 | = | G98 |
LT57 | ~ | G31 | plastic stick
LT58 | < | G124 |
LT59 | < | G124 |
LT60 | < | G124 |
LT61 | < | G13 |
LT62 | = | G24 |
LT63 | < | G35 |
LT64 | < | G43 |
LT65 | < | G43 |
LT66 | < | G43 |
LT67 | < | G43 |
LT68 | < | G124 |
LT69 | < | G43 |
LT70 | = | G58 |
LT71 | < | Gfoams |
LT72 | = | G84 |
LT73 | = | G86 |
LT75 | = | G67 |
LT76 | = | G184 |
LT77 | < | G197 |
LT78 | < | G197 |
LT79 | < | G197 |
LT80 | < | G188 |
LT81 | = | G177 |
LT82 | < | G179 |
LT83 | < | G197 |
LT84 | < | G197 |
LT85 | < | G181 |
LT86 | < | G197 |
LT87 | < | G197 |
LT88 | < | G188 |
LT89 | < | G191 |
LT90 | < | G197 |
LT91 | < | G182 |
LT92 | < | G182 |
LT93 | < | G182 |
LT94 | < | G189 |
LT95 | < | G191 |
LT96 | < | G191 |
LT97 | < | G195 |
LT98 | ~ | G198 | metal piece of any size
LT99 | < | G197 |
LT100 | < | G197 |
LT101 | < | G197 |
LT102 | < | G197 |
LT103 | < | G197 |
LT104 | < | G197 |
LT105 | < | G197 |
LT106 | < | G184 |
LT107 | = | G127 |
LT108 | = | G125 |
LT109 | = | G132 |
LT110 | < | G134 |
LT111 | < | G39 |
LT112 | < | G134 |
LT113 | = | G134 |
LT114 | < | G128 |
LT115 | = | G131 |
LT116 | < | G134 |
LT117 | < | G134 |
LT118 | < | G134 |
LT119 | < | G134 |
LT120 | < | G134 |
LT121 | < | G134 |
LT122 | < | G134 |
LT123 | < | G134 |
LT124 | = | TSG_ML_9 |
LT125 | < | TSG_ML_8 |
LT126 | < | TSG_ML_8 |
LT127 | = | G171 |
LT128 | < | TSG_ML_8 |
LT129 | < | G165 |
LT130 | < | TSG_ML_8 |
LT131 | < | TSG_ML_8 |
LT132 | = | G162 |
LT133 | < | G165 |
LT134 | < | G165 |
LT135 | = | G168 |
LT136 | = | G169 |
LT137 | < | TSG_ML_8 |
LT138 | < | TSG_ML_8 |
LT139 | = | G160 |
LT140 | < | G137 |
LT141 | < | G208 |
LT142 | = | G95 |
LT143 | < | G142 |
LT144 | < | TSG_ML_8 | wooden cotton bud sticks
LT145 | < | G211 |
LT146 | < | G211 |
LT147 | < | G142 |
LT148 | < | G96 |
LT149 | < | G98 |
LT150 | < | G137 |
LT151 | < | G143 |
LT152 | ~ | G211 | cotton swab
LT153 | < | G211 |
LT154 | < | G142 |
LT155 | < | G138 |
LT156 | < | G145 |
LT157 | < | G145 |
LT158 | ~ | G27 | tobacco granules
LT159 | < | G212 |
LT160 | < | G204 |
LT161 | < | TSG_ML_5 |
LT162 | < | G204 |
LT163 | = | G158 |
LT164 | < | G148 |
LT165 | < | G148 |
LT166 | < | G154 |
LT167 | < | G158 |
LT168 | = | G152 |
LT169 | < | G137 |
LT170 | < | G141 |
LT171 | = | TSG_ML_3 |
LT172 | < | G158 |
LT173 | < | TSG_ML_4 |
LT174 | < | TSG_ML_4 |
LT175 | < | TSG_ML_4 |
LT176 | < | G148 |
LT177 | < | G140 |
LT178 | < | G145 |
LT179 | = | G147 |
LT180 | = | G156 |
LT181 | < | G159 |
LT182 | < | TSG_ML_5 |
LT183 | < | G143 |
LT184 | < | G203 |
LT185 | < | G133 |
LT186 | < | G39 |
LT187 | ~ | G87 | paper masking tape (G87 is under plastics)
LT188 | = | G201 |
LT189 | ~ | G216 |
LT190 | = | G155 |
LT192 | < | TSG_ML_5 |
LT193 | = | G200 |
LT194 | = | G208 |
LT195 | = | TSG_ML_5 |
LT196 | = | G202 |
LT197 | < | TSG_ML_5 |
LT198 | = | G205 |
LT199 | = | G206 |
LT200 | < | TSG_ML_5 |
LT201 | < | TSG_ML_5 |
LT202 | < | TSG_ML_5 |
LT207 | ~ | TSG_ML_10 |
LT208 | ~ | G95 | cotton bud, stick material unknown
LT209 | < | G158 | paper-stemmed cotton bud sticks are paper items
LT210 | = | G27 |
LT211 | = | G133 |
LT212 | = | G133 |
LT213 | ~ | G99 | syringe, material unknown
LT214 | = | G144 |
LT215 | > | G96 | towels AND tampons
LT216 | ~ | G96 |
LT217 | = | TSG_ML_6 |
LT218 | = | G197 |
LT219 | = | TSG_ML_1 |
LT220 | = | TSG_ML_5 |
LT221 | < | TSG_ML_5 |
LT222 | < | TSG_ML_5 |
LT223 | ~ | G200 |
LT224 | = | G208 |
LT225 | = | G210 |
LT228 | = | G170 |
LT229 | < | G142 |
LT230 | = | G146 |
LT231 | = | G137 |
LT232 | ~ | G136 | shoe, material unknown
LT233 | ~ | G160 | pallet, material unknown
LT234 | ~ | G48 | rope, material unknown
LT235 | < | G124 |
LT236 | = | G176 |
LT237 | = | G175 |
LT240 | > | G106 | plastic fragments < 5 mm of any shape
LT243 | = | G113 |
LT246 | < | TSG_ML_1 | microplastics of any kind
LT249 | < | TSG_ML_1 | plastic particle < 5 mm
"""
