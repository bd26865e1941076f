
Bconvnet_expected_intJ
—קתI¶ש&