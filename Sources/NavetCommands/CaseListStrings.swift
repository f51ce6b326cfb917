/// The words of `navet child list`'s filters (issue 14, point 6), English and Swedish.
enum CaseListStrings {
    static let table: [String: (String, String)] = [
        "opt.listName": ("only children whose name contains TEXT (any case, with or without accents: a finds å, ä and á)",
                         "bara barn vars namn innehåller TEXT (stora eller små bokstäver, med eller utan accenter: a hittar å, ä och á)"),
        "opt.listMunicipality": ("only children assigned to this municipality (typed as for --name)",
                                 "bara barn som anvisats till den här kommunen (skrivs som för --name)"),
        "opt.listMissing": ("only children with an open missing episode", "bara barn som är försvunna just nu"),
        "opt.listAlerts": ("only children with at least one alert ('navet alerts' lists them)",
                           "bara barn med minst ett larm ('navet alerts' visar dem)"),
        "list.emptyFilter": ("{0} needs some text to look for.", "{0} behöver en text att söka efter."),
        "list.noneMatch": ("No child in this local database matches.", "Inget barn i den lokala databasen matchar."),
    ]
}
