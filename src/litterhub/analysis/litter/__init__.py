"""litteR-compatible beach-litter statistics: the statistics (`stats`), litteR's file formats
(`io`), the litteR run (`pipeline`) and the legacy baseline/power modules (`legacy`)."""
