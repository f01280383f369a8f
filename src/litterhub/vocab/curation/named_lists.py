"""Hand-reviewed mappings of the name-based programme lists onto the master list (same line format as
`coded_lists`). Codes are the programme's own column names / tag keys, verbatim."""

NOAA_MDMAP = """
plastic:fragments-film | < | Gfrags | film fragments >= 2.5 cm
plastic:fragments-foamed | < | Gfoams | foamed fragments >= 2.5 cm
plastic:fragments-hard | < | Gfrags | hard fragments >= 2.5 cm
plastic:bags | = | G2 |
plastic:beverage-bottles | = | G6 |
plastic:bottle-or-container-caps | = | G20 |
plastic:cups | = | G33 |
plastic:food-wrappers | = | G30 |
plastic:other-jugs-or-containers | = | G13 |
plastic:straws | < | G35 |
plastic:utensils | < | G34 |
plastic:6-pack-rings | = | G1 |
plastic:cigar-tips | ~ | G27 | cigar tips are tobacco-related plastic, not filters
plastic:cigarettes | = | G27 |
plastic:disposable-cigarette-lighters | = | G26 |
plastic:buoys-and-floats | > | G63 | buoys AND floats = G62 + G63
plastic:fishing-lures-and-line | > | G59 | line AND lures
plastic:rope-and-nets | > | G48 | rope AND net pieces
plastic:balloons | < | G125 | foil/plastic balloons; G125 is listed under rubber
plastic:personal-care-products | > | G12 | personal care products of all kinds
plastic:shotgun-shells-wads | = | G70 |
plastic:other | = | G124 |
metal:fragments | < | TSG_ML_6 |
metal:aerosol-cans | = | G174 |
metal:aluminum-tin-cans | > | G175 | beverage AND food cans
metal:other | = | G197 |
glass:fragments | = | G208 |
glass:beverage-bottles | < | G200 |
glass:jars | = | G201 |
glass:other | = | G210 |
rubber:fragments | < | G134 |
rubber:balloons | < | G125 |
rubber:flip-flops | = | G102 | G102 is listed under plastics in TSG-ML
rubber:gloves | < | G39 | G39 gloves is listed under plastics in TSG-ML
rubber:tires | < | G128 |
rubber:other | = | G134 |
processed-lumber:cardboard-cartons | < | TSG_ML_7 |
processed-lumber:building-material | = | G161 |
processed-lumber:paper-and-cardboard | = | G146 |
processed-lumber:bags | = | G147 |
processed-lumber:other | ~ | G171 | other processed lumber (wood or paper)
cloth-fabric:fragments | < | G145 |
cloth-fabric:clothing-and-shoes | = | G135 |
cloth-fabric:face-masks | = | G902 |
cloth-fabric:gloves | < | G145 |
cloth-fabric:rope-and-nets | = | G142 |
cloth-fabric:towels-rags | < | G137 |
cloth-fabric:other | = | G145 |
other:other | ~ | TSG_ML_10 | material not one of the six MDMAP materials
plastic:other-jugs-or-containers:bait containers/lids | = | G92 |
plastic:rope-and-nets:yellow poly rope snippets | < | G48 |
plastic:personal-care-products:combs or brushes | < | G29 |
plastic:personal-care-products:syringes | = | G99 |
plastic:personal-care-products:toothbrushes | < | G124 |
plastic:other:crab buoy tag | < | G43 |
plastic:other:fireworks | = | G904 |
plastic:other:golf balls and tees | < | G124 |
plastic:other:hagfish trap/cones | < | G61 |
plastic:other:irrigation parts | < | G124 |
plastic:other:light sticks | = | G60 |
plastic:other:mesh bait bags | < | G92 |
plastic:other:oyster spacers | < | G61 |
plastic:other:oyster spacers & oyster bags | < | G61 |
plastic:other:packing bands | = | G66 |
plastic:other:pens & pen caps | = | G28 |
plastic:other:plant pot or trays | = | G90 |
plastic:other:ribbon | = | G928 |
plastic:other:toys | < | G32 |
plastic:other:zipties | = | G93 |
metal:other:construction material | < | G197 |
metal:other:metal bottle caps | < | G178 |
metal:other:propane canisters | < | G189 |
glass:other:light bulbs | = | G202 |
rubber:other:lobster claw rubber bands | < | G134 |
rubber:other:rubber straps | < | G134 |
processed-lumber:paper-and-cardboard:fireworks | > | G155 | paper fireworks parts, not only tubes
processed-lumber:other:creosote-treated lumber | < | G161 |
cloth-fabric:other:carpet | < | G141 |
other:other:asphalt | ~ | G204 |
other:other:brick | < | G204 |
other:other:ceramic | < | TSG_ML_5 |
other:other:terracota | < | TSG_ML_5 |
other:other:wax | = | G213 |
"""

OC_ICC = """
Grocery bags (plastic) | = | G3 |
Other bags (plastic) | < | G2 |
Beverage bottles (glass) | < | G200 |
Beverage bottles (plastic) | = | G6 |
Beverage cans | = | G175 |
Beverage sachets/pouches | ~ | G30 |
Bottle caps (metal) | < | G178 |
Bottle caps (plastic) | < | G20 |
Cigarette butts | = | G27 |
Cups, Plates (foam) | > | G33 | cups AND plates
Cups, Plates (paper) | < | G153 |
Cups, Plates (plastic) | > | G33 | cups AND plates
Food containers (foam) | < | G10 |
Food containers (plastic) | < | G10 |
Food wrappers (candy, chips, etc.) | = | G30 |
Lids (plastic) | < | G20 |
Straws/stirrers (plastic) | = | G35 |
Utensils (plastic) | < | G34 |
Lines, nets, traps, ropes, etc. | > | G56 | lines, nets, traps and ropes together
Foam dock pieces | < | Gfoams |
Appliances (refrigerators, washers, etc.) | = | G180 |
Construction materials | ~ | G204 |
Tires | < | G128 |
6-Pack holders | = | G1 |
Foam packaging | < | G74 |
Other plastic bottles (oil, bleach, etc.) | = | G13 |
Strapping bands | = | G66 |
Balloons | = | G125 |
Clothing | < | G135 |
E-cigarettes | < | G124 |
Electronic waste (phones, batteries) | ~ | G929 |
Footwear (shoes/slippers) | > | G71 | footwear of any material
Paper bags | = | G147 |
Tobacco products (lighters, cigar tips, wrap) | > | G26 | lighters, cigar tips AND wrap
Toys | < | G32 |
Other plastic waste | = | G124 |
Other waste (metal, paper, etc.) | ~ | G216 |
Condoms | = | G133 |
Cotton bud sticks (swabs) | = | G95 |
Diapers | = | G98 |
Gloves & masks (PPE) | > | G39 | gloves AND masks
Syringes | = | G99 |
Tampons & applicators | = | G144 |
Plastic/foam pieces | = | Gpieces |
Fishing buoys, pots & traps | > | G63 | buoys, pots AND traps
Fishing net & pieces | = | G52 |
Fishing line (1 yard/meter = 1 piece) | > | G59 | counted per yard/metre; all fishing line
Rope (1 yard/meter = 1 piece) | > | G48 | counted per yard/metre; rope of any material
Fishing gear (Clean Swell) | > | G61 |
Other plastic/foam packaging | > | G38 |
Tobacco packaging/wrap | > | G25 |
Other packaging (Clean Swell) | ~ | G38 |
Cigar tips | ~ | G27 |
Cigarette lighters | = | G26 |
Fireworks | ~ | G167 |
Other trash (Clean Swell) | ~ | G216 |
Other tobacco (packaging, lighter, etc.) | > | G25 |
Personal hygiene (Clean Swell) | > | G96 |
Foam pieces | = | Gfoams |
Glass pieces | = | G208 |
Plastic pieces | = | Gfrags |
"""

MCS = """
Plastic / Polystyrene: Yokes (4- or 6-pack) | = | G1 |
Plastic / Polystyrene: Bag ends | = | G5 |
Faeces: Bagged dog faeces | = | G101 |
Plastic / Polystyrene: Bags | = | G3 |
Plastic / Polystyrene: Mesh bags | = | G37 |
Plastic / Polystyrene: Small bags | = | G4 |
Plastic/Polystyrene: Bio-beads | = | G932 |
Plastic/Polystyrene: Biofilm support media | = | G91 |
Plastic / Polystyrene: Cleaner bottles | = | G9 |
Plastic / Polystyrene: Drinks bottles | = | G6 |
Plastic / Polystyrene: Other bottles / containers / drums | = | G13 |
Plastic / Polystyrene: Toiletries / cosmetics containers | > | G12 | = G11 + G12
Plastic / Polystyrene: Buckets | = | G65 |
Plastic / Polystyrene: Caps / lids | = | G20 |
Plastic / Polystyrene: Car parts | = | G19 |
Plastic / Polystyrene: Cigarette lighters / tobacco pouches | > | G26 | = G25 + G26
Plastic / Polystyrene: Cigarette stubs | = | G27 |
Plastic / Polystyrene: Combs / hair brushes / sunglasses | = | G29 |
Plastic / Polystyrene: Food containers | = | G10 |
Plastic / Polystyrene: Crates | = | G18 |
Plastic / Polystyrene: Cups | = | G33 |
Plastic / Polystyrene: Cutlery / trays / straws | > | G34 | = G34 + G35
Plastic / Polystyrene: Fertiliser / animal feed bags | = | G36 |
Plastic / Polystyrene: Fibreglass | = | G68 |
Plastic / Polystyrene: Fish boxes | > | G57 | = G57 + G58
Plastic / Polystyrene: Fishing line | = | G59 |
Plastic / Polystyrene: Fishing net (small) | = | G53 |
Plastic / Polystyrene: Fishing net (large) | = | G54 |
Plastic / Polystyrene: Floats / buoys | > | G63 | = G62 + G63
Plastic / Polystyrene: Foam / sponge / insulation | > | G73 | = G73 + G74
Plastic / Polystyrene: Gloves (washing up) | = | G40 |
Plastic / Polystyrene: Gloves (professional) | = | G41 |
Plastic / Polystyrene: Hard hats | = | G69 |
Plastic / Polystyrene: Injection gun cartridges | = | G17 |
Plastic / Polystyrene: Jerry cans | = | G16 |
Plastic / Polystyrene: Light / glow sticks | = | G60 |
Plastic / Polystyrene: Lobster / crab pots | = | G42 |
Plastic / Polystyrene: Lobster / fish tags | = | G43 |
Plastic/Polystyrene: Nurdles | = | G112 |
Plastic / Polystyrene: Octopus pots | = | G44 |
Plastic / Polystyrene: Oil containers (small) | = | G14 |
Plastic / Polystyrene: Oil containers (large) | = | G15 |
Plastic / Polystyrene: Rope | = | G49 |
Plastic / Polystyrene: Oyster nets / mussel bags | = | G45 |
Plastic / Polystyrene: Oyster trays | = | G46 |
Plastic / Polystyrene: Industrial packaging / sheeting | = | G67 |
Plastic / Polystyrene: Packets (crisp, sweet, lolly, sandwich) | > | G30 | packets incl. lolly sticks
Plastic / Polystyrene: Pens / pen lids | = | G28 |
Plastic / Polystyrene: Pieces (0-2.5cm) | = | G75 |
Plastic / Polystyrene: Pieces (2.5-50cm) | = | G76 |
Plastic / Polystyrene: Pieces (50cm+) | = | G77 |
Plastic / Polystyrene: Mussel sheeting | = | G47 |
Plastic / Polystyrene: Shoes / sandals | = | G71 |
Plastic / Polystyrene: Shotgun cartridges | = | G70 |
Plastic / Polystyrene: Strapping bands | = | G66 |
Plastic / Polystyrene: String | = | G50 |
Plastic / Polystyrene: Tangled nets / string / rope | = | G56 |
Plastic / Polystyrene: Toys / party poppers / fireworks / dummies | > | G32 | toys incl. fireworks and dummies
Plastic / Polystyrene: Others (count) | = | G124 |
Rubber: Balloons | = | G125 |
Rubber: Boots | = | G127 |
Rubber: Tyres & engine belts | = | G128 |
Rubber: Tyres used as fenders | < | G128 |
Rubber: Others (count) | = | G134 |
Cloth: Clothing / shoes / towels | = | G137 |
Cloth: Furnishings | = | G141 |
Cloth: Sacking | = | G140 |
Cloth: Shoes (leather) | = | G138 |
Cloth: Others (count) | = | G145 |
Paper / Cardboard: Bags | = | G147 |
Paper / Cardboard: Cardboard | = | G148 |
Paper / Cardboard: Purepak | = | G150 |
Paper / Cardboard: Tetrapak | = | G151 |
Paper / Cardboard: Cigarette packets | = | G152 |
Paper / Cardboard: Cups | < | G153 |
Paper / Cardboard: Newspapers / magazines | = | G154 |
Paper / Cardboard: Others (count) | = | G158 |
Wood: Corks | = | G159 |
Wood: Lobster / crab pots | = | G163 |
Wood: Crates | = | G162 |
Wood: Fish boxes | = | G164 |
Wood: Lolly sticks / chip forks | = | G165 |
Wood: Paint brushes | = | G166 |
Wood: Pallets | = | G160 |
Wood: Others 0-50cm (count) | = | G171 |
Wood: Others 50cm+ (count) | = | G172 |
Metal: Aerosol / spray cans | = | G174 |
Metal: Appliances | = | G180 |
Metal: Disposable barbecues | = | G179 |
Metal: Drink cans | = | G175 |
Metal: Food cans | = | G176 |
Metal: Caps / lids | = | G178 |
Metal: Fishing weights / hooks / lures | = | G182 |
Metal: Foil wrappers | = | G177 |
Metal: Lobster / crab pots | = | G184 |
Metal: Oil drums | = | G187 |
Metal: Paint tins | = | G190 |
Metal: Scrap | = | G186 |
Metal: Wire / mesh / barbed wire | = | G191 |
Metal: Others 0-50cm (count) | = | G198 |
Metal: Others 50cm+ (count) | = | G199 |
Glass: Bottles | = | G200 |
Glass: Jars incl. fragments of jars | = | G201 |
Glass: Light bulbs / tubes | > | G202 | = G202 + G205
Glass: Others (count) | = | G210 |
Pottery / Ceramics: Construction materials | = | G204 |
Pottery / Ceramics: Octopus pots | = | G207 |
Pottery / Ceramics: Others (count) | ~ | G210 |
Sanitary: Condoms | = | G133 |
Sanitary: Cotton bud sticks | = | G95 |
Sanitary: Tampons & applicators | = | G144 |
Sanitary: Toilet fresheners | = | G97 |
Sanitary: Towels / panty liners / backing strips | = | G96 |
Sanitary: Wet wipes | < | G145 | nonwoven wipes; no own code in the 2013 master list
Sanitary: Others (count) | ~ | G96 |
Medical: Containers | = | G100 |
Medical: Single use face mask - plastic | = | G901 |
Medical: Single use gloves - plastic | < | G39 |
Medical: Syringes | = | G99 |
Medical: Others (count) | = | G211 |
Pollutants: Paraffin / wax pieces (small) | < | G213 |
Pollutants: Paraffin / wax pieces (medium) | < | G213 |
Pollutants: Paraffin / wax pieces (large) | < | G213 |
Pollutants: Others (count) | < | TSG_ML_2 |
"""

OLM = """
smoking.butts | = | G27 |
smoking.lighters | = | G26 |
smoking.cigaretteBox | = | G152 |
smoking.tobaccoPouch | < | G25 |
smoking.skins | < | G158 | rolling papers
smoking.smoking_plastic | < | G25 | cellophane wrap of cigarette boxes
smoking.filters | < | G27 |
smoking.filterbox | ~ | G152 |
smoking.vape_pen | < | G124 |
smoking.vape_oil | < | G124 |
smoking.smokingOther | ~ | G27 |
food.sweetWrappers | < | G30 |
food.paperFoodPackaging | < | G153 |
food.plasticFoodPackaging | > | G10 | plastic food packaging of all kinds
food.plasticCutlery | < | G34 |
food.crisp_small | < | G30 |
food.crisp_large | < | G30 |
food.styrofoam_plate | < | G34 |
food.napkins | < | G923 |
food.sauce_packet | ~ | G30 |
food.glass_jar | = | G201 |
food.glass_jar_lid | < | G178 |
food.foodOther | ~ | G10 |
food.pizza_box | < | G148 |
food.aluminium_foil | = | G177 |
food.chewing_gum | = | G926 |
coffee.coffeeCups | < | G153 |
coffee.coffeeLids | < | G33 |
coffee.coffeeOther | ~ | G153 |
alcohol.beerCan | < | G175 |
alcohol.beerBottle | < | G200 |
alcohol.spiritBottle | < | G200 |
alcohol.wineBottle | < | G200 |
alcohol.brokenGlass | = | G208 |
alcohol.bottleTops | < | G178 |
alcohol.paperCardAlcoholPackaging | < | TSG_ML_7 |
alcohol.pint | < | G203 |
alcohol.plasticAlcoholPackaging | ~ | G38 |
alcohol.six_pack_rings | = | G1 |
alcohol.alcohol_plastic_cups | < | G33 |
alcohol.alcoholOther | ~ | G216 |
softdrinks.waterBottle | < | G6 |
softdrinks.fizzyDrinkBottle | < | G6 |
softdrinks.bottleLid | = | G21 |
softdrinks.bottleLabel | < | G922 |
softdrinks.tinCan | < | G175 |
softdrinks.sportsDrink | < | G6 |
softdrinks.straws | < | G35 |
softdrinks.plastic_cups | < | G33 |
softdrinks.plastic_cup_tops | < | G33 |
softdrinks.milk_bottle | < | G6 |
softdrinks.milk_carton | = | G150 |
softdrinks.paper_cups | < | G153 |
softdrinks.pullring | < | G178 |
softdrinks.juice_cartons | < | G151 |
softdrinks.juice_bottles | < | G6 |
softdrinks.juice_packet | ~ | G30 |
softdrinks.ice_tea_bottles | < | G6 |
softdrinks.ice_tea_can | < | G175 |
softdrinks.energy_can | < | G175 |
softdrinks.strawpacket | ~ | G158 |
softdrinks.styro_cup | < | G33 |
softdrinks.broken_glass | = | G208 |
softdrinks.softDrinkOther | ~ | G6 |
sanitary.condoms | = | G133 |
sanitary.nappies | = | G98 |
sanitary.menstral | > | G96 | pads AND tampons
sanitary.deodorant | < | G12 |
sanitary.ear_swabs | = | G95 |
sanitary.tooth_pick | < | G165 |
sanitary.tooth_brush | < | G124 |
sanitary.sanitaryOther | ~ | G96 |
sanitary.gloves | = | G39 |
sanitary.facemask | = | G901 |
sanitary.wetwipes | < | G145 |
sanitary.hand_sanitiser | = | G903 |
coastal.microplastics | ~ | G78 | pieces seen on a photo; not a sieved < 5 mm sample
coastal.mediumplastics | < | Gfrags |
coastal.macroplastics | < | Gfrags |
coastal.rope_small | = | G50 |
coastal.rope_medium | < | G49 |
coastal.rope_large | < | G49 |
coastal.fishing_gear_nets | = | G52 |
coastal.ghost_nets | < | G52 |
coastal.buoys | = | G63 |
coastal.degraded_plasticbottle | < | G6 |
coastal.degraded_plasticbag | < | G2 |
coastal.degraded_straws | < | G35 |
coastal.degraded_lighters | < | G26 |
coastal.balloons | = | G125 |
coastal.lego | < | G32 |
coastal.shotgun_cartridges | = | G70 |
coastal.coastal_other | ~ | G124 |
coastal.styro_small | = | G81 |
coastal.styro_medium | = | G82 |
coastal.styro_large | = | G83 |
dumping.small | ~ | G216 | fly-tipped rubbish
dumping.medium | ~ | G216 | fly-tipped rubbish
dumping.large | ~ | G216 | fly-tipped rubbish
industrial.oil | < | G214 |
industrial.chemical | < | TSG_ML_2 |
industrial.industrial_plastic | ~ | G67 |
industrial.bricks | < | G204 |
industrial.tape | ~ | G87 |
industrial.industrial_other | ~ | G186 |
dogshit.poo_in_bag | = | G101 |
other.random_litter | ~ | G216 |
other.bags_litter | ~ | G216 | bags of collected litter
other.plastic | ~ | G124 |
other.pooinbag | = | G101 |
other.automobile | ~ | G196 |
other.tyre | < | G128 |
other.traffic_cone | = | G72 |
other.dump | ~ | G216 |
other.metal | ~ | G197 |
other.plastic_bags | = | G2 |
other.election_posters | < | G158 |
other.forsale_posters | < | G158 |
other.cable_tie | = | G93 |
other.books | ~ | G154 |
other.magazine | < | G154 |
other.paper | = | G157 |
other.stationary | ~ | G28 |
other.washing_up | < | G9 |
other.clothing | < | G135 |
other.hair_tie | < | G905 |
other.ear_plugs | = | G930 |
other.elec_small | < | G929 |
other.elec_large | < | G180 |
other.batteries | < | G195 |
other.balloons | = | G125 |
other.life_buoy | ~ | G63 |
other.other | ~ | G216 |
art.item | ~ | G216 |
"""

PLASTIC_PIRATES = """
RiversideWasteVariety.PlasticBags | = | G2 |
RiversideWasteVariety.PlasticBottles | = | G6 |
RiversideWasteVariety.PlasticLids | = | G20 |
RiversideWasteVariety.TakeawayFastFood | > | G10 | take-away packaging of all kinds
RiversideWasteVariety.PlasticCutleryPlates | > | G34 | cutlery AND plates
RiversideWasteVariety.PlasticPackagingSweets | = | G30 |
RiversideWasteVariety.CottonBuds | = | G95 |
RiversideWasteVariety.WetWipesSanitaryProducts | > | G96 | wet wipes AND sanitary products
RiversideWasteVariety.Polystyrene | > | G82 | polystyrene items and pieces
RiversideWasteVariety.SmallPlasticPieces<2.5cm | = | G75 |
RiversideWasteVariety.OtherUnidentifiablePlastic | < | TSG_ML_1 |
RiversideWasteVariety.MetalBeverageCans | = | G175 |
RiversideWasteVariety.BottleCaps | = | G178 |
RiversideWasteVariety.AluminiumFoil | = | G177 |
RiversideWasteVariety.OtherUnidentifiableMetal | < | TSG_ML_6 |
RiversideWasteVariety.GlassBottles | = | G200 |
RiversideWasteVariety.GlassPieces | = | G208 |
RiversideWasteVariety.OtherUnidentifiableGlass | < | TSG_ML_5 |
RiversideWasteVariety.CigaretteButts | = | G27 |
RiversideWasteVariety.Paper | = | G146 |
RiversideWasteVariety.Textiles | < | TSG_ML_3 |
RiversideWasteVariety.Rubber | < | TSG_ML_9 |
RiversideWasteVariety.Balloons | = | G125 |
RiversideWasteVariety.OtherUnidentifiableWaste | = | TSG_ML_11 |
RiversideWasteVariety.LocalWaste | ~ | TSG_ML_10 | items typical of the local area; material not recorded
RiversideLitterCircles.PaperTotal | = | TSG_ML_7 |
RiversideLitterCircles.CigarettesTotal | = | G27 |
RiversideLitterCircles.PlasticTotal | = | TSG_ML_1 |
RiversideLitterCircles.MetalTotal | = | TSG_ML_6 |
RiversideLitterCircles.GlassTotal | = | TSG_ML_5 |
RiversideLitterCircles.FoodLeftoverTotal | = | TSG_ML_4 |
RiversideLitterCircles.OtherTotal | ~ | TSG_ML_10 |
FloatingMacro.AmountOfFloatingMacrolitter | ~ | TSG_ML_11 | floating items, material not recorded
FloatingMicro.AmountOfVERIFIEDMicroplastics | < | TSG_ML_1 | verified microplastic particles
FloatingMicro.AmountOfVERIFIEDMesoplastics | < | TSG_ML_1 | verified mesoplastic particles
"""

# MCS names as in the 2021 Beachwatch item -> suspected-source table (they differ from the 2022 sheet).
MCS_2021 = """
Plastic/Polystyrene: 4/6 pack yokes | = | G1 |
Plastic/Polystyrene: Bag ends (from tear-off plastic bags) | = | G5 |
Plastic/Polystyrene: Bagged dog faeces | = | G101 |
Plastic/Polystyrene: Bags (e.g. Shopping) | = | G3 |
Plastic/Polystyrene: Bags: Mesh (e.g. vegetable) | = | G37 |
Plastic/Polystyrene: Bags: Small (e.g. freezer/vegetable) | = | G4 |
Plastic/Polystyrene: Bottles/containers/drums: Other | = | G13 |
Plastic/Polystyrene: Bottles/containers: Cleaner | = | G9 |
Plastic/Polystyrene: Bottles/containers: Drinks | = | G6 |
Plastic/Polystyrene: Bottles/containers: Toiletries/cosmetics | > | G12 | = G11 + G12
Plastic/Polystyrene: Containers: Food (inc. fast food) | = | G10 |
Plastic/Polystyrene: Fishing line (angling) | = | G59 |
Plastic/Polystyrene: Fishing net and net pieces  0-50cm | = | G53 |
Plastic/Polystyrene: Fishing net and net pieces  50cm+ | = | G54 |
Plastic/Polystyrene: Gloves (e.g. washing up) | = | G40 |
Plastic/Polystyrene: Gloves (industrial/professional) | = | G41 |
Plastic/Polystyrene: Injection gun cartridges (e.g. sealant) | = | G17 |
Plastic/Polystyrene: Light/glow sticks (tubes with fluid) | = | G60 |
Plastic/Polystyrene: Lobster & fish tags | = | G43 |
Plastic/Polystyrene: Lobster/crab pots & tops | = | G42 |
Plastic/Polystyrene: Oil containers/drums 0-50cm | = | G14 |
Plastic/Polystyrene: Oil containers/drums 50cm+ | = | G15 |
Plastic/Polystyrene: Oyster nets/mussel bags (inc. plastic stoppers) | = | G45 |
Plastic/Polystyrene: Oysters trays (round from oyster cultures) | = | G46 |
Plastic/Polystyrene: Packaging/plastic sheeting (industrial) | = | G67 |
Plastic/Polystyrene: Packets (crisp, sweet, lolly (inc sticks), sandwich) | > | G30 | packets incl. lolly sticks
Plastic/Polystyrene: Pens & pen lids | = | G28 |
Plastic/Polystyrene: Plastic/polystyrene pieces 0-2.5cm | = | G75 |
Plastic/Polystyrene: Plastic/polystyrene pieces 2.5-50cm | = | G76 |
Plastic/Polystyrene: Plastic/polystyrene pieces 50cm+ | = | G77 |
Plastic/Polystyrene: Sheeting from mussel culture (Tahitians) | = | G47 |
Plastic/Polystyrene: String and filaments exclusively from dolly ropes | < | G50 | dolly rope strands
Plastic/Polystyrene: String/cord (thickness 0-1cm) | = | G50 |
Plastic/Polystyrene: String/cord/rope: thickness 1cm+ | = | G49 |
Plastic/Polystyrene: Tangled dolly rope | < | G56 |
Plastic/Polystyrene: Tangled nets/cord/rope and string without dolly rope or mixed with dolly rope | < | G56 |
Other plastic/polystyrene items (total) | = | G124 |
Rubber: Balloons (inc. string, valves, ribbon) | = | G125 |
Other rubber items (total) | = | G134 |
Other cloth items (total) | = | G145 |
Paper/Cardboard: Cartons (purepak e.g. milk) | = | G150 |
Paper/Cardboard: Cartons (tetrapak e.g. juice) | = | G151 |
Other paper/cardboard items (total) | = | G158 |
Wood (machined): Corks | = | G159 |
Wood (machined): Crab/lobster pots & tops | = | G163 |
Wood (machined): Crates | = | G162 |
Wood (machined): Fish boxes | = | G164 |
Wood (machined): Lolly sticks / chip forks | = | G165 |
Wood (machined): Paint brushes | = | G166 |
Wood (machined): Pallets | = | G160 |
Other wooden items (0-50cm) (total) | = | G171 |
Other wooden items (50cm+) (total) | = | G172 |
Metal: BBQs (disposable) | = | G179 |
Metal: Cans (drink) | = | G175 |
Metal: Cans (food) | = | G176 |
Metal: Lobster / crab pots & tops | = | G184 |
Metal: Scrap (industrial) | = | G186 |
Other metal items (0-50cm) (total) | = | G198 |
Other metal items (50cm+) (total) | = | G199 |
Other glass items (total) | = | G210 |
Pottery/Ceramics: Construction material e.g. tiles | = | G204 |
Other pottery/ceramic items (total) | ~ | G210 |
Sanitary: Cotton bud sticks(OLD) | = | G95 |
Other sanitary items (total) | ~ | G96 |
Medical: Containers/tubes (inc. pill packets) | = | G100 |
Medical: Syringes & needles | = | G99 |
Other medical items (total) | = | G211 |
Pollutants: Paraffin or wax pieces 0-1cm | < | G213 |
Pollutants: Paraffin or wax pieces 1-10cm | < | G213 |
Pollutants: Paraffin or wax pieces 10cm+ | < | G213 |
Other pollutants (total) | < | TSG_ML_2 |
"""
