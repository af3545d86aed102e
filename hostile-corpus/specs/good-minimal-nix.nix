{
  laptop = { user = "root"; };
}
